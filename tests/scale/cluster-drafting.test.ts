// Two nodes, one agreement: editors connected to different nodes converge, a change the server
// makes on one node (a party's comment through the API) reaches clients on the other, and what
// both acknowledged is in the shared database; presence (who is editing) crosses nodes too.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { openDb } from '../../signaling/db.ts';
import { loadOrCreateSecrets } from '../../signaling/secrets.ts';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { StaffClient } from '../support/server.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from '../drafting/sync-support.ts';
import { waitFor } from '../support/wait.ts';

let cluster: TestCluster;
let kase: DraftCase;
let secondEditorCookie: string;
const clients: DraftClient[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  kase = await setUpDraftCase(cluster.nodes[0]!.url, cluster.admin);
  // The same mediator on a second device, through node 2: the case's other editor.
  const second = new StaffClient(cluster.nodes[1]!.url);
  await second.login(kase.mediatorLogin.username, kase.mediatorLogin.password);
  secondEditorCookie = second.cookie;
}, 120_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => cluster?.close());

function client(node: number, options: { token?: string; cookie?: string }) {
  const c = connectClient({ url: wsUrl(cluster.nodes[node]!.url), docName: agreementDocName(kase.caseId), ...options });
  clients.push(c);
  return c;
}

/** The document as the shared database has it (every stored row replayed). */
async function storedDoc(): Promise<Y.Doc> {
  // The draft is encrypted at rest: open it with the installation's data keys.
  const db = openDb(path.join(cluster.dataDir, 'jiefen.db'), loadOrCreateSecrets(cluster.dataDir).secrets.dataKeys);
  try {
    const rows = await db.draftUpdate.findMany({ where: { docName: agreementDocName(kase.caseId) }, orderBy: { id: 'asc' } });
    const doc = new Y.Doc();
    for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.update));
    return doc;
  } finally {
    await db.$disconnect();
  }
}

describe('one agreement served by two nodes', () => {
  it('two editors on different nodes converge; a viewer on either node sees it; both edits are stored', async () => {
    const a = client(0, { cookie: kase.mediator.cookie });
    const b = client(1, { cookie: secondEditorCookie });
    const viewer = client(1, { token: kase.tokenA });
    await Promise.all([a.ready, b.ready, viewer.ready]);
    const ta = a.doc.getText('sync-test');
    const tb = b.doc.getText('sync-test');
    ta.insert(0, '甲方于2026年12月31日前');
    tb.insert(0, '乙方同意');
    for (let i = 0; i < 30; i++) {
      ta.insert(ta.length, `a${i}`);
      tb.insert(0, `b${i}`);
    }
    const tv = viewer.doc.getText('sync-test');
    await waitFor(
      () => ta.toString() === tb.toString() && tb.toString() === tv.toString() && ta.toString().includes('a29') && ta.toString().includes('b29'),
      8000,
      'convergence across nodes',
    );
    await Promise.all([a.acked(), b.acked()]);
    expect((await storedDoc()).getText('sync-test').toString()).toBe(ta.toString());
  });

  it('a document opened on a node after edits on the other starts from them, and keeps following', async () => {
    const a = client(0, { cookie: kase.mediator.cookie });
    await a.ready;
    a.doc.getText('late').insert(0, '先写在节点一');
    await a.acked();
    const late = client(1, { cookie: secondEditorCookie });
    await late.ready;
    expect(late.doc.getText('late').toString()).toBe('先写在节点一');
    a.doc.getText('late').insert(0, '【续】');
    await waitFor(() => late.doc.getText('late').toString() === '【续】先写在节点一', 5000, 'later edit reaches node 2');
  });

  it("a party's comment made through node 1's API appears live at an editor on node 2", async () => {
    const editor = client(1, { cookie: secondEditorCookie });
    const party = client(0, { token: kase.tokenB });
    await Promise.all([editor.ready, party.ready]);
    const clause = readAgreement(editor.doc).clauses[0]!;
    const res = await fetch(`${cluster.nodes[0]!.url}/api/agreements/${kase.caseId}/comments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kase.tokenB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clauseId: clause.id, text: '还款期限能否延长一个月？' }),
    });
    expect(res.status).toBe(201);
    const { comment } = (await res.json()) as { comment: { id: string } };
    await waitFor(() => readAgreement(editor.doc).comments.some((c) => c.id === comment.id), 5000, 'comment visible on node 2');
    expect(readAgreement(await storedDoc()).comments.map((c) => c.id)).toContain(comment.id);
  });

  it('presence crosses nodes as the origin node enforced it, and leaves with the connection', async () => {
    const m = client(0, { cookie: kase.mediator.cookie });
    const o = client(1, { cookie: secondEditorCookie });
    await Promise.all([m.ready, o.ready]);
    m.provider.setAwarenessField('user', { name: '冒充的名字', roleLabel: '法官', color: '#000000' });
    m.provider.setAwarenessField('cursor', { anchor: 2, head: 4 });
    const seen = () => o.provider.awareness!.getStates().get(m.doc.clientID) as { user?: { name: string; roleLabel: string }; cursor?: unknown } | undefined;
    // Name and cursor are two awareness updates: wait for the second too before comparing both.
    await waitFor(() => seen()?.user?.name === '调解员1号' && seen()?.cursor !== undefined, 5000, "node 2 sees the mediator's presence");
    expect(seen()).toMatchObject({ user: { name: '调解员1号', roleLabel: '调解员' }, cursor: { anchor: 2, head: 4 } });
    m.destroy();
    await waitFor(() => seen() === undefined, 5000, 'presence gone with the connection');
  });
});
