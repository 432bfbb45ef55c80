// The drafting sync server against a real jiefen server (real SQLite, real WebSocket): editors
// converge, awareness names come from the server, and a "synced" acknowledgement is only sent
// once the update is committed — while other clients already see the edit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import type { DraftRowInput } from '../../signaling/drafting/draft-store.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from './sync-support.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let kase: DraftCase;
let secondEditorCookie: string;
const clients: DraftClient[] = [];

function client(options: { token?: string; cookie?: string }) {
  const c = connectClient({ url: wsUrl(server.url), docName: agreementDocName(kase.caseId), ...options });
  clients.push(c);
  return c;
}

const storedText = async (field = 'sync-test') => {
  const state = await server.drafting.store.readState(agreementDocName(kase.caseId));
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc.getText(field).toString();
};

beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
  // The same mediator on a second device: the only other editor a case has.
  const second = new StaffClient(server.url);
  await second.login(kase.mediatorLogin.username, kase.mediatorLogin.password);
  secondEditorCookie = second.cookie;
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server?.close());

describe('drafting sync', () => {
  it('two editors (the case mediator on two devices) converge on concurrent edits', async () => {
    const a = client({ cookie: kase.mediator.cookie });
    const b = client({ cookie: secondEditorCookie });
    await Promise.all([a.ready, b.ready]);
    const ta = a.doc.getText('sync-test');
    const tb = b.doc.getText('sync-test');
    ta.insert(0, '甲方于2026年12月31日前');
    tb.insert(0, '乙方同意');
    for (let i = 0; i < 20; i++) {
      ta.insert(ta.length, `a${i}`);
      tb.insert(0, `b${i}`);
    }
    await waitFor(() => ta.toString() === tb.toString() && ta.toString().includes('a19') && ta.toString().includes('b19'), 5000, 'convergence');
    await Promise.all([a.acked(), b.acked()]);
    expect(await storedText()).toBe(ta.toString());
  });

  it('awareness carries the server-side identity, not the name a client claims', async () => {
    const m = client({ cookie: kase.mediator.cookie });
    const p = client({ token: kase.tokenA });
    const o = client({ cookie: secondEditorCookie });
    await Promise.all([m.ready, p.ready, o.ready]);
    m.provider.setAwarenessField('user', { name: '冒充的名字', roleLabel: '法官', color: '#000000' });
    m.provider.setAwarenessField('cursor', { anchor: 3, head: 5 });
    p.provider.setAwarenessField('user', { name: '调解员', roleLabel: '调解员', color: '#1d4ed8' });
    const stateOf = (seer: DraftClient, of: DraftClient) =>
      seer.provider.awareness!.getStates().get(of.doc.clientID) as { user?: Record<string, string>; cursor?: unknown } | undefined;
    await waitFor(() => stateOf(o, m)?.user?.name === '调解员1号' && stateOf(o, p)?.user?.name === '李某', 5000, 'awareness from the server');
    expect(stateOf(o, m)).toEqual({ user: { name: '调解员1号', roleLabel: '调解员', color: '#1d4ed8' }, cursor: { anchor: 3, head: 5 } });
    expect(stateOf(o, p)?.user).toEqual({ name: '李某', roleLabel: '申请人', color: '#c2410c' });
    // Every client — including the one that lied — ends up seeing the server's version.
    await waitFor(() => stateOf(p, m)?.user?.name === '调解员1号', 5000, 'party sees the real mediator name');
    // A late joiner gets the rewritten states in its first awareness message.
    const late = client({ token: kase.tokenB });
    await late.ready;
    await waitFor(() => stateOf(late, m)?.user?.name === '调解员1号' && stateOf(late, p)?.user?.name === '李某', 5000, 'late joiner awareness');
    // Changing the cursor again keeps the server's name.
    m.provider.setAwarenessField('cursor', { anchor: 7, head: 7 });
    await waitFor(() => (stateOf(o, m)?.cursor as { anchor: number } | undefined)?.anchor === 7, 5000, 'cursor update');
    expect(stateOf(o, m)?.user?.name).toBe('调解员1号');
  });

  it('acknowledges an update only after it is committed; other clients see it before that', async () => {
    const a = client({ cookie: kase.mediator.cookie });
    const b = client({ cookie: secondEditorCookie });
    await Promise.all([a.ready, b.ready]);
    // Fault injection: hold every append of the store until we open the gate (the disk is "slow").
    const store = server.drafting.store;
    const original = store.append.bind(store);
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    let started = 0;
    store.append = async (row: DraftRowInput) => {
      started++;
      await gate;
      return original(row);
    };
    try {
      a.doc.getText('sync-test').insert(0, '【慢盘测试】');
      // The edit reaches the other editor right away…
      await waitFor(() => b.doc.getText('sync-test').toString().startsWith('【慢盘测试】'), 2000, 'broadcast');
      expect(started).toBe(1);
      // …but the sender is not told it is saved while the row is not on disk.
      await new Promise((r) => setTimeout(r, 300));
      expect(a.provider.hasUnsyncedChanges).toBe(true);
      expect(await storedText()).not.toContain('【慢盘测试】');
      openGate();
      await a.acked(2000);
      expect(await storedText()).toContain('【慢盘测试】');
    } finally {
      store.append = original;
      openGate();
    }
  });

  it('a reconnecting client that re-sends an edit still in flight is acknowledged only once it is on disk', async () => {
    const a = client({ cookie: kase.mediator.cookie });
    const b = client({ cookie: secondEditorCookie });
    await Promise.all([a.ready, b.ready]);
    const store = server.drafting.store;
    const original = store.append.bind(store);
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    store.append = async (row: DraftRowInput) => {
      await gate;
      return original(row);
    };
    try {
      a.doc.getText('sync-test').insert(0, '【重连重发】');
      await waitFor(() => b.doc.getText('sync-test').toString().startsWith('【重连重发】'), 2000, 'broadcast');
      // a's connection drops before its acknowledgement and comes back at once: its SyncStep2
      // re-sends the edit, which the live document already holds (nothing new, no new append).
      let reauthenticated = false;
      a.provider.on('authenticated', () => (reauthenticated = true));
      a.socket.disconnect();
      await waitFor(() => a.socket.status === 'disconnected', 3000, 'disconnected');
      await a.socket.connect();
      await waitFor(() => reauthenticated, 3000, 'reconnected');
      await new Promise((r) => setTimeout(r, 300));
      expect(a.provider.hasUnsyncedChanges).toBe(true);
      expect(await storedText()).not.toContain('【重连重发】');
      openGate();
      await a.acked(3000);
      expect(await storedText()).toContain('【重连重发】');
    } finally {
      store.append = original;
      openGate();
    }
  });

  it('every acknowledged edit is already in the database at the moment of the acknowledgement', async () => {
    const a = client({ cookie: kase.mediator.cookie });
    await a.ready;
    const text = a.doc.getText('ack-check');
    const db = server.ctx.db;
    const docName = agreementDocName(kase.caseId);
    for (let i = 0; i < 40; i++) {
      const marker = `⟨${i}⟩`;
      text.insert(text.length, marker);
      await a.acked();
      // Read straight from SQLite, right after the acknowledgement arrived.
      const rows = await db.draftUpdate.findMany({ where: { docName }, orderBy: { id: 'asc' } });
      const doc = new Y.Doc();
      for (const r of rows) Y.applyUpdate(doc, r.update);
      expect(doc.getText('ack-check').toString()).toContain(marker);
    }
  });
});
