// The bridge from 背对背 to the joint draft: the mediator moves a proposal from a side's private
// caucus notepad into the agreement as a suggestion on a clause. Both sides see the suggestion
// (and only it — not the rest of the notepad); the move is audited with the side it came from;
// only the case's mediator may do it; bad requests change nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from './sync-support.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let kase: DraftCase;
const drafts: DraftClient[] = [];
const rooms: RoomTestClient[] = [];
const NOTEPAD_A = '甲方底线：乙方于2026年12月31日前赔偿维修费8000元。\n（不要告诉对方：最低可接受6000元）';
const PROPOSAL = '乙方于2026年12月31日前赔偿维修费8000元。';

function draftClient(options: { token?: string; cookie?: string }) {
  const c = connectClient({ url: wsUrl(server.url), docName: agreementDocName(kase.caseId), ...options });
  drafts.push(c);
  return c;
}
const fromNotepad = (body: unknown, as: 'mediator' | string = 'mediator') =>
  as === 'mediator'
    ? kase.mediator.request('POST', `/api/agreements/${kase.caseId}/suggestions/from-notepad`, body)
    : fetch(`${server.url}/api/agreements/${kase.caseId}/suggestions/from-notepad`, {
        method: 'POST',
        headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
const notepadAudits = () =>
  server.ctx.db.auditEntry.findMany({ where: { caseId: kase.caseId, type: 'AGREEMENT_SUGGESTION_FROM_NOTEPAD' }, orderBy: { seq: 'asc' } });
const firstClause = (doc: Y.Doc) => readAgreement(doc).clauses[0]!;

beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
  // Side A writes its notepad in the live room (the only way parties write one).
  const m = new RoomTestClient(server.url, { cookie: kase.mediator.cookie });
  const a = new RoomTestClient(server.url, { token: kase.tokenA });
  rooms.push(m, a);
  await m.connected();
  await m.ok('room:join', { caseId: kase.caseId });
  await a.connected();
  await a.ok('room:join', { caseId: kase.caseId });
  await m.ok('mediator:admit', { peerId: kase.partyAId });
  await a.waitFor('room:admitted');
  await a.ok('notepad:update', { side: 'A', content: NOTEPAD_A });
});
afterEach(() => {
  for (const c of drafts.splice(0)) c.destroy();
});
afterAll(async () => {
  for (const r of rooms) r.close();
  await server?.close();
});

describe('moving a proposal from a caucus notepad into the joint draft', () => {
  it('appears as the mediator’s suggestion at both sides, is audited with its source side, and applies when accepted', async () => {
    const m = draftClient({ cookie: kase.mediator.cookie });
    const b = draftClient({ token: kase.tokenB });
    await Promise.all([m.ready, b.ready]);
    const clause = firstClause(m.doc);
    const res = await fromNotepad({ fromSide: 'A', clauseId: clause.id, mode: 'append', text: PROPOSAL });
    expect(res.status).toBe(201);
    const { suggestion } = (await res.json()) as { suggestion: { id: string; kind: string; text: string; status: string; authorName: string } };
    expect(suggestion).toMatchObject({ kind: 'insert', text: PROPOSAL, status: 'open', authorName: '调解员1号' });

    // Side B sees exactly the proposal — not the rest of A's notepad.
    await waitFor(() => readAgreement(b.doc).suggestions.some((s) => s.id === suggestion.id), 5000, 'suggestion at side B');
    expect(JSON.stringify(b.doc.toJSON())).not.toContain('最低可接受');

    const [audit] = await notepadAudits();
    expect(audit).toMatchObject({ actorType: 'user', actorLabel: '调解员1号' });
    expect(JSON.parse(audit!.data)).toMatchObject({
      suggestionId: suggestion.id,
      clauseId: clause.id,
      fromSide: 'A',
      chars: [...PROPOSAL].length,
      verbatim: true,
    });

    // The mediator accepts it once both sides agree: the clause now ends with the proposal, everywhere.
    expect((await kase.mediator.request('POST', `/api/agreements/${kase.caseId}/suggestions/${suggestion.id}/accept`, {})).status).toBe(200);
    await waitFor(() => firstClause(b.doc).text === clause.text + PROPOSAL, 5000, 'accepted text at side B');
  });

  it('a reworded proposal replacing a clause is logged as the mediator’s wording, not an excerpt', async () => {
    const m = draftClient({ cookie: kase.mediator.cookie });
    await m.ready;
    const clause = readAgreement(m.doc).clauses[1]!;
    const reworded = '乙方同意赔偿甲方维修费人民币8000元。';
    const res = await fromNotepad({ fromSide: 'A', clauseId: clause.id, mode: 'replace', text: reworded });
    expect(res.status).toBe(201);
    const { suggestion } = (await res.json()) as { suggestion: { kind: string; original?: string } };
    expect(suggestion).toMatchObject({ kind: 'replace', original: clause.text });
    const audits = await notepadAudits();
    expect(JSON.parse(audits.at(-1)!.data)).toMatchObject({ fromSide: 'A', verbatim: false });
  });

  it('only the case’s mediator may do it; an empty notepad or a bad request changes nothing', async () => {
    const m = draftClient({ cookie: kase.mediator.cookie });
    await m.ready;
    const clause = firstClause(m.doc);
    const before = { suggestions: readAgreement(m.doc).suggestions.length, audits: (await notepadAudits()).length };

    const asParty = await fromNotepad({ fromSide: 'A', clauseId: clause.id, mode: 'append', text: PROPOSAL }, kase.tokenA);
    expect(asParty.status).toBe(403);
    const emptySide = await fromNotepad({ fromSide: 'B', clauseId: clause.id, mode: 'append', text: PROPOSAL });
    expect(emptySide.status).toBe(409);
    expect(((await emptySide.json()) as { message: string }).message).toContain('乙方记事本还没有内容');
    for (const bad of [
      { fromSide: 'C', clauseId: clause.id, mode: 'append', text: PROPOSAL },
      { fromSide: 'A', clauseId: clause.id, mode: 'overwrite', text: PROPOSAL },
      { fromSide: 'A', clauseId: clause.id, mode: 'append', text: '   ' },
      { fromSide: 'A', mode: 'append', text: PROPOSAL },
      { fromSide: 'A', clauseId: clause.id, mode: 'append', text: PROPOSAL, extra: 1 },
    ]) {
      expect((await fromNotepad(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await fromNotepad({ fromSide: 'A', clauseId: 'c_doesnotexist', mode: 'append', text: PROPOSAL })).status).toBe(404);

    expect(readAgreement(m.doc).suggestions.length).toBe(before.suggestions);
    expect((await notepadAudits()).length).toBe(before.audits);
  });
});
