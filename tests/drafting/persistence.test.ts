// Persistence of agreement drafts in SQLite: kill -9 of the real server never loses an
// acknowledged edit; a corrupt stored row refuses the load and leaves storage untouched;
// compaction under concurrent edits; single-flight first open; a failing disk withholds
// acknowledgements and loses nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { sha256Hex, type DraftRowInput } from '../../signaling/drafting/draft-store.ts';
import { WorkerWriter } from '../../signaling/drafting/draft-writer.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { runKill9Loop } from './persistence-kill9.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from './sync-support.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe('kill -9 durability (real server as a child process)', () => {
  it('every acknowledged edit survives 20 rounds of edit → ack → SIGKILL → restart', { timeout: 300_000 }, async () => {
    const started = Date.now();
    const result = await runKill9Loop({ rounds: 20 });
    expect(result.rounds).toBe(20);
    expect(result.acknowledged).toBe(60);
    expect(result.lost).toEqual([]);
    expect(result.misordered).toEqual([]);
    // A clean shutdown compacts the whole log into one snapshot row.
    expect(result.rowsBeforeShutdown).toBeGreaterThan(20);
    expect(result.rowsAfterShutdown).toBe(1);
    console.log(
      `kill9: 20 rounds in ${Math.round((Date.now() - started) / 1000)} s, restarts p50 ${Math.round(result.restartMs.sort((a, b) => a - b)[9]!)} ms, unacknowledged edits that survived anyway: ${result.unackedSurvived}`,
    );
  });
});

describe('draft storage (in-process server)', () => {
  let server: TestServer;
  let kase: DraftCase;
  const clients: DraftClient[] = [];
  const client = (caseId: string, options: { token?: string; cookie?: string } = { cookie: kase.mediator.cookie }) => {
    const c = connectClient({ url: wsUrl(server.url), docName: agreementDocName(caseId), ...options });
    clients.push(c);
    return c;
  };
  const rowsOf = (caseId: string) => server.ctx.db.draftUpdate.findMany({ where: { docName: agreementDocName(caseId) }, orderBy: { id: 'asc' } });
  const newCase = async () =>
    (await kase.mediator.json('POST', '/api/cases', { title: '存储测试', disputeType: 'GENERAL', summary: 'x' }, 201)).case.id as string;
  const unloaded = (caseId: string) =>
    waitFor(
      () => !server.drafting.hocuspocus.documents.has(agreementDocName(caseId)) && !server.drafting.hocuspocus.loadingDocuments.has(agreementDocName(caseId)),
      5000,
      'document unloaded',
    );

  beforeAll(async () => {
    server = await startTestServer();
    kase = await setUpDraftCase(server.url, server.admin);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(() => server?.close());

  it('appends are committed by a writer thread whose connection is WAL + synchronous=FULL', async () => {
    const writer = server.drafting.store.writer;
    expect(writer).toBeInstanceOf(WorkerWriter);
    expect(await (writer as WorkerWriter).settings).toEqual({ synchronous: 2, journalMode: 'wal' });
  });

  it('a corrupt stored update refuses the load with an error and leaves every row untouched', async () => {
    const caseId = await newCase();
    const a = client(caseId);
    await a.ready;
    const text = a.doc.getText('body');
    for (let i = 0; i < 5; i++) {
      text.insert(text.length, `第${i + 1}条。`);
      await a.acked();
    }
    a.destroy();
    await unloaded(caseId);
    const rows = await rowsOf(caseId);
    expect(rows.length).toBeGreaterThanOrEqual(1);

    // A fresh session adds a row after the snapshot; flip one byte of the snapshot on disk
    // while the document is open, so the compaction at unload meets the corruption first.
    const b = client(caseId);
    await b.ready;
    expect(b.doc.getText('body').toString()).toBe('第1条。第2条。第3条。第4条。第5条。');
    b.doc.getText('body').insert(0, '【新增】');
    await b.acked();
    const before = await rowsOf(caseId);
    expect(before.length).toBeGreaterThanOrEqual(2);
    const victim = before[0]!;
    const flipped = Uint8Array.from(victim.update);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x5a;
    await server.ctx.db.draftUpdate.update({ where: { id: victim.id }, data: { update: flipped } });
    const corrupted = await rowsOf(caseId);
    b.destroy();
    await unloaded(caseId);
    await sleep(100);
    expect(await rowsOf(caseId)).toEqual(corrupted);

    const c = client(caseId);
    await expect(c.ready).rejects.toThrow(/DRAFT_LOAD_FAILED/);
    // Still refused on a second attempt (no half-loaded document was kept), and the HTTP side agrees.
    const d = client(caseId);
    await expect(d.ready).rejects.toThrow(/DRAFT_LOAD_FAILED/);
    expect(server.drafting.hocuspocus.documents.has(agreementDocName(caseId))).toBe(false);
    // Compaction refuses too.
    await expect(server.drafting.store.compact(agreementDocName(caseId))).rejects.toThrow(/校验和不一致/);
    await sleep(100);
    expect(await rowsOf(caseId)).toEqual(corrupted);

    // The failed load is in the case's audit trail.
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'AGREEMENT_DRAFT_LOAD_FAILED' } });
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ rowId: victim.id });

    // Bytes that are not a Yjs update at all, with a matching checksum: refused as well.
    const garbage = Uint8Array.from([0x07, 0x01, 0x02, 0x03]);
    await server.ctx.db.draftUpdate.update({ where: { id: victim.id }, data: { update: garbage, sha256: sha256Hex(garbage) } });
    const e = client(caseId);
    await expect(e.ready).rejects.toThrow(/DRAFT_LOAD_FAILED/);

    // Restoring the row restores the document, nothing lost.
    await server.ctx.db.draftUpdate.update({ where: { id: victim.id }, data: { update: victim.update, sha256: victim.sha256 } });
    const f = client(caseId);
    await f.ready;
    expect(f.doc.getText('body').toString()).toBe('【新增】第1条。第2条。第3条。第4条。第5条。');
  });

  it('compaction while editors type: no update is lost, the log shrinks to one snapshot on unload', async () => {
    const caseId = await newCase();
    const docName = agreementDocName(caseId);
    const a = client(caseId);
    const b = client(caseId, { cookie: kase.mediator.cookie });
    await Promise.all([a.ready, b.ready]);
    const ta = a.doc.getText('body');
    const tb = b.doc.getText('body');
    let compactions = 0;
    for (let i = 0; i < 60; i++) {
      ta.insert(ta.length, `a${i};`);
      tb.insert(0, `b${i};`);
      if (i % 7 === 0) {
        const r = await server.drafting.store.compact(docName);
        if (r.merged > 0) compactions++;
      }
      if (i % 5 === 0) await sleep(2);
    }
    await Promise.all([a.acked(), b.acked()]);
    expect(compactions).toBeGreaterThanOrEqual(1);
    // What the database holds right now equals what the editors see.
    const stored = new Y.Doc();
    Y.applyUpdate(stored, await server.drafting.store.readState(docName));
    await waitFor(() => ta.toString() === tb.toString(), 3000, 'convergence');
    expect(stored.getText('body').toString()).toBe(ta.toString());

    a.destroy();
    b.destroy();
    await unloaded(caseId);
    await waitFor(async () => (await rowsOf(caseId)).length === 1, 3000, 'compaction on unload');
    const [only] = await rowsOf(caseId);
    expect(only!.kind).toBe('snapshot');
    const c = client(caseId);
    await c.ready;
    expect(c.doc.getText('body').toString()).toBe(ta.toString());
  });

  it('the first open creates the draft exactly once, even with many clients opening it at once', async () => {
    const caseId = await newCase();
    const many = Array.from({ length: 6 }, (_, i) => client(caseId, i % 2 ? { cookie: kase.mediator.cookie } : { cookie: kase.mediator.cookie }));
    await Promise.all(many.map((c) => c.ready));
    const rows = await rowsOf(caseId);
    expect(rows.filter((r) => r.kind === 'init')).toHaveLength(1);
    const created = await server.ctx.db.auditEntry.count({ where: { caseId, type: 'AGREEMENT_DRAFT_CREATED' } });
    expect(created).toBe(1);
  });

  it('a failing disk: appends retry and acknowledgements wait; nothing acknowledged is lost', async () => {
    const caseId = await newCase();
    const a = client(caseId);
    await a.ready;
    const store = server.drafting.store;
    const original = store.insertBatch.bind(store);
    let failures = 0;
    store.insertBatch = async (rows: DraftRowInput[]) => {
      if (failures < 3) {
        failures++;
        throw new Error('SQLITE_IOERR (injected)');
      }
      return original(rows);
    };
    try {
      a.doc.getText('body').insert(0, '磁盘故障期间的修改');
      await a.acked(5000);
      expect(failures).toBe(3);
      const stored = new Y.Doc();
      Y.applyUpdate(stored, await store.readState(agreementDocName(caseId)));
      expect(stored.getText('body').toString()).toBe('磁盘故障期间的修改');
    } finally {
      store.insertBatch = original;
    }
  });

  it('a disk that stays broken: no acknowledgement, the document is dropped, and the edit is stored after recovery', async () => {
    const caseId = await newCase();
    const docName = agreementDocName(caseId);
    const a = client(caseId);
    const watcher = client(caseId);
    await Promise.all([a.ready, watcher.ready]);
    const store = server.drafting.store;
    const original = store.insertBatch.bind(store);
    const retryMs = store.appendRetryMs;
    store.appendRetryMs = 200;
    store.insertBatch = async () => {
      throw new Error('SQLITE_FULL (injected)');
    };
    try {
      a.doc.getText('body').insert(0, '磁盘坏了');
      // The other editor sees it (it was applied), but it is never acknowledged…
      await waitFor(() => watcher.doc.getText('body').toString() === '磁盘坏了', 2000, 'broadcast');
      // …and the live document is dropped so it cannot be acknowledged later without a row.
      await waitFor(() => !server.drafting.hocuspocus.documents.has(docName), 5000, 'document dropped');
      expect(a.provider.hasUnsyncedChanges).toBe(true);
      expect((await rowsOf(caseId)).some((r) => new TextDecoder().decode(r.update).includes('磁盘坏了'))).toBe(false);
    } finally {
      store.insertBatch = original;
      store.appendRetryMs = retryMs;
    }
    // The disk is back: the provider reconnects on its own and re-sends what was not acknowledged.
    await a.acked(10_000);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, await store.readState(docName));
    expect(stored.getText('body').toString()).toBe('磁盘坏了');
  });
});
