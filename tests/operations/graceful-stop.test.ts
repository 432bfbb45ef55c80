// SIGTERM while clients are writing: the real entry point (signaling/main.ts) as a child process;
// a mediator and a party chat and carry notes between the sides (audited) while an editor types
// into the agreement, every write waiting for its acknowledgement. SIGTERM lands mid-stream.
// The room clients are told the server is restarting, the process exits 0, and after a restart on
// the same data folder every acknowledged chat message, audit row and draft edit is there and the
// audit chain verifies.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { openDb } from '../../signaling/db.ts';
import { loadOrCreateSecrets } from '../../signaling/secrets.ts';
import { agreementDocName } from '../../signaling/drafting/doc-name.ts';
import { freePort, serverEnv, spawnServer, type Running } from '../drafting/persistence-kill9.ts';
import { connectClient, setUpDraftCase, wsUrl } from '../drafting/sync-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { changedPassword, firstLogin, StaffClient } from '../support/server.ts';
import { sleep, waitFor } from '../support/wait.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-sigterm-'));
const running: Running[] = [];
const toClose: Array<() => void> = [];
afterAll(async () => {
  for (const close of toClose) close();
  for (const r of running) {
    r.child.kill('SIGKILL');
    await r.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

it('SIGTERM mid-stream: clients are told, exit 0, and nothing acknowledged is lost over the restart', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = serverEnv(dataDir, port, 'warn');
  const first = await spawnServer('main', env).start();
  running.push(first);
  const credentials = readFileSync(path.join(dataDir, 'admin-initial-password.txt'), 'utf8');
  const username = /username: (\S+)/.exec(credentials)![1]!;
  const initial = /password: (\S+)/.exec(credentials)![1]!;
  await firstLogin(new StaffClient(url), username, initial, changedPassword(initial));
  const kase = await setUpDraftCase(url, { username, password: changedPassword(initial) });

  const mediator = new RoomTestClient(url, { cookie: kase.mediator.cookie });
  const party = new RoomTestClient(url, { token: kase.tokenA });
  toClose.push(
    () => mediator.close(),
    () => party.close(),
  );
  await Promise.all([mediator.connected(), party.connected()]);
  await mediator.ok('room:join', { caseId: kase.caseId });
  const { self } = await party.ok('room:join', { caseId: kase.caseId });
  await mediator.ok('mediator:admit', { peerId: self.peerId });
  await party.waitFor('room:admitted');
  const editor = connectClient({ url: wsUrl(url), docName: agreementDocName(kase.caseId), cookie: kase.mediator.cookie });
  toClose.push(() => editor.destroy());
  await editor.ready;

  // Three writers, each sending its next write once the last was acknowledged, until the server is gone.
  const ackedChat: string[] = [];
  const ackedCarries: string[] = [];
  const ackedEdits: string[] = [];
  const refusals: string[] = [];
  let stop = false;
  const chatting = (async () => {
    for (let i = 0; !stop && party.socket.connected; i++) {
      const text = `消息${i}`;
      const reply = await party.socket
        .timeout(3000)
        .emitWithAck('chat:send', { text })
        .catch(() => null);
      if (reply?.ok) ackedChat.push(text);
      else if (reply && reply.code !== 'RATE_LIMITED') refusals.push(reply.code); // over the per-socket limit: just slower
      await sleep(reply?.code === 'RATE_LIMITED' ? 250 : 20);
    }
  })();
  const carrying = (async () => {
    for (let i = 0; !stop && mediator.socket.connected; i++) {
      const text = `甲方第${i}次让步`;
      const reply = await mediator.socket
        .timeout(3000)
        .emitWithAck('caucus:carry', { fromSide: 'A', toSide: 'B', text })
        .catch(() => null);
      if (reply?.ok) ackedCarries.push(text);
      else if (reply && reply.code !== 'RATE_LIMITED') refusals.push(reply.code); // over the per-socket limit: just slower
      await sleep(reply?.code === 'RATE_LIMITED' ? 250 : 20);
    }
  })();
  const editing = (async () => {
    const t = editor.doc.getText('sigterm');
    for (let i = 0; !stop; i++) {
      const edit = `[第${i}处修改]`;
      t.insert(t.length, edit);
      try {
        await editor.acked(3000);
        ackedEdits.push(edit);
      } catch {
        return; // not acknowledged: the server went away
      }
    }
  })();

  await waitFor(() => ackedChat.length >= 10 && ackedCarries.length >= 10 && ackedEdits.length >= 10, 20_000, 'writes under way');
  let output = '';
  first.child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  first.child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exitCode = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
  first.child.kill('SIGTERM');
  await mediator.waitFor('server:restarting', () => true, 10_000);
  await party.waitFor('server:restarting', () => true, 10_000);
  expect(await exitCode, output).toBe(0);
  stop = true;
  await Promise.all([chatting, carrying, editing]);
  expect(party.last('server:restarting')).toEqual({ message: '服务器正在重启，稍后自动重连' });
  expect(refusals.filter((code) => code !== 'SERVER_RESTARTING')).toEqual([]);

  // Restarted on the same data folder: everything acknowledged is there.
  const second = await spawnServer('main', env).start();
  running.push(second);
  const db = openDb(path.join(dataDir, 'jiefen.db'), loadOrCreateSecrets(dataDir).secrets.dataKeys);
  try {
    const chat = await db.chatMessage.findMany({ where: { caseId: kase.caseId }, orderBy: { at: 'asc' } });
    expect(chat.map((m) => m.text)).toEqual(expect.arrayContaining(ackedChat));
    const carried = await db.auditEntry.findMany({ where: { caseId: kase.caseId, type: 'CAUCUS_CARRIED' } });
    const carriedHashes = new Set(carried.map((row) => (JSON.parse(row.data) as { sha256: string }).sha256));
    for (const text of ackedCarries) expect(carriedHashes.has(createHash('sha256').update(text).digest('hex')), text).toBe(true);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const rows = await db.draftUpdate.findMany({ where: { docName: agreementDocName(kase.caseId) }, orderBy: { id: 'asc' } });
    const doc = new Y.Doc();
    for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.update));
    const stored = doc.getText('sigterm').toString();
    for (const edit of ackedEdits) expect(stored).toContain(edit);
  } finally {
    await db.$disconnect();
  }
  console.log(
    `acknowledged before SIGTERM: ${ackedChat.length} chat, ${ackedCarries.length} audited carries, ${ackedEdits.length} draft edits; all present after restart`,
  );
}, 120_000);
