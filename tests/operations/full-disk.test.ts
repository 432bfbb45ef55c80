// The data folder on a small real tmpfs, filled to the last byte while a live room and a draft are
// in use: clients get STORAGE_FULL (not a hang, not INTERNAL), the server stays up and answers,
// nothing it acknowledged is lost, and once the filler is deleted new writes succeed again —
// including the draft edits it could not store, which the editor's client resends by itself.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { ERRORS } from '../../signaling/errors.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from '../drafting/sync-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, waitFor } from '../support/wait.ts';
import { mountTmpfs, type Tmpfs } from './tmpfs.ts';

let disk: Tmpfs;
let server: TestServer;
let kase: DraftCase;
const closables: Array<{ close(): unknown } | { destroy(): unknown }> = [];

beforeAll(async () => {
  disk = mountTmpfs(48);
  const dataDir = path.join(disk.dir, 'data');
  mkdirSync(dataDir);
  server = await startTestServer({}, { dataDir });
  kase = await setUpDraftCase(server.url, server.admin);
}, 60_000);
afterEach(() => {
  for (const c of closables.splice(0)) {
    if ('close' in c) c.close();
    else c.destroy();
  }
  disk.free();
});
afterAll(async () => {
  try {
    await server?.close();
  } finally {
    disk?.unmount();
  }
});

async function roomClient(auth: { token?: string; cookie?: string }): Promise<RoomTestClient> {
  const c = new RoomTestClient(server.url, auth);
  closables.push(c);
  await c.connected();
  return c;
}

async function healthy(): Promise<void> {
  const res = await fetch(`${server.url}/api/health`);
  expect(res.status).toBe(200);
}

const bulky = (label: string) => `${label}：${'满'.repeat(1500)}`;

describe('a full data disk', () => {
  it('a live room: chat and an audited action are refused with STORAGE_FULL; the room goes on; acknowledged messages stay; writes succeed once space is back', async () => {
    const mediator = await roomClient({ cookie: kase.mediator.cookie });
    expect((await mediator.ok('room:join', { caseId: kase.caseId })).status).toBe('admitted');
    const party = await roomClient({ token: kase.tokenA });
    const { self } = await party.ok('room:join', { caseId: kase.caseId });
    await mediator.ok('mediator:admit', { peerId: self.peerId });
    await party.waitFor('room:admitted');

    const acknowledged: string[] = [];
    const say = async (c: RoomTestClient, text: string) => {
      const reply = await c.request('chat:send', { text });
      if (reply.ok) acknowledged.push(text);
      return reply;
    };
    await say(mediator, '开始调解');
    await say(party, '我方同意调解');

    disk.fill();
    // SQLite may still have room in its WAL file: write until the disk really refuses.
    let refusal: Awaited<ReturnType<typeof say>> | null = null;
    for (let i = 0; i < 400 && !refusal; i++) {
      const reply = await say(i % 2 ? mediator : party, bulky(`消息${i}`));
      if (!reply.ok) refusal = reply;
    }
    expect(refusal).toEqual({ ok: false, code: 'STORAGE_FULL', message: ERRORS.STORAGE_FULL.message });
    expect(await mediator.request('caucus:carry', { fromSide: 'A', toSide: 'B', text: '甲方同意分期付款' })).toMatchObject({ ok: false, code: 'STORAGE_FULL' });

    // Up and serving: health, both sockets, reads.
    await healthy();
    expect(mediator.socket.connected && party.socket.connected).toBe(true);
    const during = (await mediator.ok('chat:history', {})).messages.map((m) => m.text);
    expect(during).toEqual(acknowledged);

    disk.free();
    await eventually(async () => expect(await say(party, '空间恢复后的消息')).toMatchObject({ ok: true }), 10_000);
    await mediator.ok('caucus:carry', { fromSide: 'A', toSide: 'B', text: '甲方同意分期付款' });
    const after = (await mediator.ok('chat:history', {})).messages.map((m) => m.text);
    expect(after).toEqual(acknowledged);
    const carried = await server.ctx.db.auditEntry.count({ where: { caseId: kase.caseId, type: 'CAUCUS_CARRIED' } });
    expect(carried).toBe(1);
    expect(await verifyAuditChain(server.ctx.db)).toMatchObject({ ok: true });
  }, 90_000);

  it('drafting: the editor is told STORAGE_FULL, the server stays up, acknowledged edits stay, and the rest is stored once space is back', async () => {
    const docName = agreementDocName(kase.caseId);
    const editor: DraftClient = connectClient({ url: wsUrl(server.url), docName, cookie: kase.mediator.cookie });
    closables.push(editor);
    await editor.ready;
    const text = editor.doc.getText('full-disk');
    text.insert(0, '已确认的条款。');
    await editor.acked();
    const acknowledged = text.toString();
    const closes: Array<{ code: number; reason: string }> = [];
    editor.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => closes.push({ code: event.code, reason: event.reason }));

    disk.fill();
    for (let i = 0; i < 400 && closes.length === 0; i++) {
      text.insert(text.length, bulky(`第${i}条`));
      await waitFor(() => closes.length > 0 || !editor.provider.hasUnsyncedChanges, 20_000, 'the edit acknowledged or the connection closed');
    }
    expect(closes[0]).toEqual({ code: 4507, reason: 'STORAGE_FULL' });
    await healthy();
    const stored = async () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, await server.drafting.store.readState(docName));
      return doc.getText('full-disk').toString();
    };
    expect(await stored()).toContain(acknowledged);

    disk.free();
    const everything = text.toString();
    await eventually(async () => expect(await stored()).toBe(everything), 30_000);
    await editor.acked(10_000);
  }, 120_000);
});
