// The structured Yjs 调解协议书 with real yjs: creation from a template and case data, clause
// editing with stable ids, concurrent peers converging (also under random operations), suggestions
// anchored through other edits, named versions with a Chinese diff, and the canonical hash.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../signaling/errors.ts';
import * as Y from 'yjs';
import {
  acceptSuggestion,
  addClause,
  addClauseFromTemplate,
  addComment,
  addParty,
  addSuggestion,
  agreementParts,
  canonicalAgreementContent,
  canonicalJson,
  checkAgreement,
  CLAUSE_ID_RE,
  deleteClause,
  diffVersions,
  docFromVersion,
  formatDiff,
  initAgreementDoc,
  moveClause,
  readAgreement,
  rejectSuggestion,
  removeParty,
  renderBlock,
  resolveComment,
  setClauseText,
  setClauseTitle,
  setFieldValue,
  setPartyField,
  setPerformance,
  setSectionText,
  setSigningDate,
  snapshotVersion,
  type AgreementSnapshot,
} from '../../signaling/agreement/index.ts';
import { DEMO_CASES, DEMO_TODAY, demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';

const catalog = loadBuiltinTemplates();
const neighbour = catalog.agreement('neighbour');
const mediator = { peerId: 'peer-mediator', name: '边文玲' };
const partyB = { peerId: 'peer-wang', name: '王某' };
const NOW = new Date('2026-03-01T09:00:00+08:00');

const demo = () => demoAgreementDoc(catalog, 'neighbour', { now: NOW });
const texts = (doc: Y.Doc) => readAgreement(doc).clauses.map((c) => c.text);
const ids = (doc: Y.Doc) => readAgreement(doc).clauses.map((c) => c.id);

/** A second peer that starts from the first one's state. */
function peerOf(doc: Y.Doc): Y.Doc {
  const p = new Y.Doc();
  Y.applyUpdate(p, Y.encodeStateAsUpdate(doc));
  return p;
}
/** Exchanges what each side is missing (both directions), as the sync server would. */
function sync(...docs: Y.Doc[]) {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

describe('creating the document from a template and the case', () => {
  it('fills meta, parties (ID numbers masked), sections, default clauses and performance', () => {
    const doc = demo();
    const s = readAgreement(doc);
    expect(s.meta).toEqual({
      schemaVersion: 1,
      title: '人民调解协议书',
      caseNumber: '青山调〔2026〕第12号',
      templateId: 'neighbour',
      templateVersion: 2,
      disputeType: 'NEIGHBOUR',
      orgName: '青山区人民调解委员会',
      version: 0,
      signingDate: '2026-03-02',
      createdAt: NOW.toISOString(),
    });
    expect(s.parties.map((p) => [p.side, p.role, p.name, p.idMasked])).toEqual([
      ['A', 'APPLICANT', '刘某', '1*****************'],
      ['A', 'APPLICANT', '陈某', '1*****************'],
      ['B', 'RESPONDENT', '王某', '1*****************'],
    ]);
    // The full number is nowhere in the shared state.
    const fullId = DEMO_CASES.neighbour!.caseData.parties[2]!.idNumber!;
    expect(Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from(fullId))).toBe(false);
    expect(s.clauses.map((c) => c.templateKey)).toEqual(['repair', 'compensation', 'compensation', 'recurrence', 'breach', 'settlement']);
    for (const c of s.clauses) expect(c.id).toMatch(CLAUSE_ID_RE);
    expect(s.clauses[1]!.fields.amount).toEqual({ type: 'amount', label: '赔偿金额', value: '8600.00' });
    // A second copy of a clause has its own values for the fields only it defines (amount2, payee2 …).
    expect(s.clauses[2]!.fields.amount2).toEqual({ type: 'amount', label: '赔偿金额（2）', value: '3200.00' });
    expect(s.sections.facts.fields.leakStart!.value).toBe('2025-02-10');
    expect(renderBlock(s.clauses[1]!)).toBe(
      '乙方于2026年3月15日前一次性赔偿甲方刘某房屋卫生间吊顶、卧室墙面等财产损失共计人民币8,600.00元（大写：捌仟陆佰元整）。',
    );
    expect(s.performance.deadline).toBe('2026年3月15日前');
  });

  it('initialises only once, and refuses to read an empty document', () => {
    const doc = new Y.Doc();
    expect(() => readAgreement(doc)).toThrow(expect.objectContaining({ code: 'DOC_NOT_INITIALISED' }));
    const caseData = DEMO_CASES.neighbour!.caseData;
    expect(initAgreementDoc(doc, neighbour, caseData, { origin: 'server' })).toBe(true);
    const before = Y.encodeStateVector(doc);
    expect(initAgreementDoc(doc, neighbour, caseData, { origin: 'server' })).toBe(false);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('rejects a document a peer filled with junk', () => {
    const doc = demo();
    agreementParts(doc).meta.set('disputeType', 'DIVORCE');
    expect(() => readAgreement(doc)).toThrow(expect.objectContaining({ code: 'DOC_INVALID' }));
  });
});

describe('editing helpers', () => {
  it('add, move and delete clauses; ids stay with their clause', () => {
    const doc = demo();
    const [repair, liu, chen, recur, breach, settle] = ids(doc) as [string, string, string, string, string, string];
    const fresh = addClause(doc, { title: '和睦相处', text: '甲乙双方今后应互谅互让，和睦相处。', index: 0 }, 'test');
    expect(ids(doc)).toEqual([fresh, repair, liu, chen, recur, breach, settle]);
    moveClause(doc, fresh, 99, 'test');
    expect(ids(doc)).toEqual([repair, liu, chen, recur, breach, settle, fresh]);
    moveClause(doc, chen, 0, 'test');
    expect(ids(doc)).toEqual([chen, repair, liu, recur, breach, settle, fresh]);
    moveClause(doc, chen, 2, 'test');
    expect(ids(doc)).toEqual([repair, liu, chen, recur, breach, settle, fresh]);
    deleteClause(doc, liu, 'test');
    expect(ids(doc)).toEqual([repair, chen, recur, breach, settle, fresh]);
    expect(readAgreement(doc).clauses.find((c) => c.id === chen)!.fields.payee2!.value).toBe('陈某');
    expect(() => moveClause(doc, liu, 0, 'test')).toThrow(expect.objectContaining({ code: 'CLAUSE_NOT_FOUND' }));
    expect(() => setClauseText(doc, liu, 'x', 'test')).toThrow(DomainError);
    const restore = addClauseFromTemplate(doc, neighbour, 'restore', { index: 1, values: { 'restore.restoreItems': '卫生间吊顶' } }, 'test');
    expect(readAgreement(doc).clauses[1]).toMatchObject({ id: restore, templateKey: 'restore', title: '恢复原状' });
    expect(readAgreement(doc).clauses[1]!.fields.restoreItems!.value).toBe('卫生间吊顶');
    expect(() => addClauseFromTemplate(doc, neighbour, 'nope', {}, 'test')).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' }));
  });

  it('every helper is one transaction with the caller’s origin', () => {
    const doc = demo();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    const origin = { peerId: 'peer-mediator' };
    const [first, second] = ids(doc) as [string, string];
    const partyId = readAgreement(doc).parties[0]!.id;
    const id = addClause(doc, { text: '新条款' }, origin);
    moveClause(doc, id, 0, origin);
    setClauseText(doc, id, '新条款内容', origin);
    setClauseTitle(doc, id, '标题', origin);
    setSectionText(doc, 'issues', '争议焦点为赔偿数额。', origin);
    setFieldValue(doc, { clauseId: second }, 'amount', '9000', origin);
    setPerformance(doc, 'place', '甲方住所', origin);
    setPartyField(doc, partyId, 'serviceAddress', '内蒙古自治区包头市青山区某小区1号楼', origin);
    setSigningDate(doc, '2026-03-03', origin);
    const s = addSuggestion(doc, { target: { clauseId: first }, kind: 'replace', index: 0, length: 2, text: '乙方', author: partyB }, origin);
    rejectSuggestion(doc, s, mediator, origin);
    const m = addComment(doc, { target: { clauseId: first }, text: '请核对期限', author: partyB }, origin);
    resolveComment(doc, m, mediator, origin);
    const p = addParty(doc, { role: 'APPLICANT', side: 'A', name: '赵某' }, origin);
    removeParty(doc, p, origin);
    deleteClause(doc, id, origin);
    snapshotVersion(doc, '第二稿', { origin });
    expect(origins).toHaveLength(17);
    expect(origins.every((o) => o === origin)).toBe(true);
  });

  it('fill-in values are normalised data; invalid input is kept and flagged', () => {
    const doc = demo();
    const [repair, liu] = ids(doc) as [string, string];
    expect(setFieldValue(doc, { clauseId: liu }, 'amount', '1.2万元', 'test')).toEqual({ ok: true, value: '12000.00' });
    expect(setFieldValue(doc, { clauseId: liu }, 'amount', '人民币玖仟元整', 'test')).toEqual({ ok: true, value: '9000.00' });
    expect(setFieldValue(doc, { clauseId: repair }, 'repairDeadline', '2026/3/12', 'test')).toEqual({ ok: true, value: '2026-03-12' });
    expect(setFieldValue(doc, { section: 'facts' }, 'leakStart', '去年春天', 'test')).toMatchObject({ ok: false });
    const s = readAgreement(doc);
    expect(s.clauses[1]!.fields.amount!.value).toBe('9000.00');
    expect(s.sections.facts.fields.leakStart!.value).toBe('去年春天');
    expect(checkAgreement(s, { today: DEMO_TODAY }).map((f) => `${f.code}:${f.field}`)).toEqual(['FIELD_INVALID:leakStart']);
    setFieldValue(doc, { clauseId: liu }, 'amount', null, 'test');
    expect(readAgreement(doc).clauses[1]!.fields.amount!.value).toBeNull();
    expect(() => setFieldValue(doc, { clauseId: liu }, 'colour', 'red', 'test')).toThrow(expect.objectContaining({ code: 'FIELD_NOT_FOUND' }));
  });

  it('party details: a full ID number typed in is stored masked', () => {
    const doc = demo();
    const wang = readAgreement(doc).parties[2]!.id;
    setPartyField(doc, wang, 'idMasked', '11010519491231002X', 'test');
    setPartyField(doc, wang, 'address', '  ', 'test');
    const p = readAgreement(doc).parties[2]!;
    expect(p.idMasked).toBe('1*****************');
    expect(p.address).toBeNull();
  });
});

describe('concurrent peers', () => {
  it('converge after editing the same clause, adding clauses at the same place and filling fields', () => {
    const a = demo();
    const b = peerOf(a);
    const [repair, liu] = ids(a) as [string, string];
    const original = texts(a)[0]!;
    setClauseText(a, repair, original.replace('检修或更换', '更换'), 'a');
    setClauseText(b, repair, original.replace('必要配合', '必要的配合'), 'b');
    addClause(a, { text: '甲方条款' }, 'a');
    addClause(b, { text: '乙方条款' }, 'b');
    setFieldValue(a, { clauseId: liu }, 'amount', '9000', 'a');
    setFieldValue(b, { clauseId: liu }, 'payDeadline', '2026-03-14', 'b');
    sync(a, b);
    const sa = readAgreement(a);
    expect(readAgreement(b)).toEqual(sa);
    expect(sa.clauses[0]!.text).toBe(original.replace('检修或更换', '更换').replace('必要配合', '必要的配合'));
    expect(
      sa.clauses
        .slice(-2)
        .map((c) => c.text)
        .sort(),
    ).toEqual(['乙方条款', '甲方条款']);
    expect([sa.clauses[1]!.fields.amount!.value, sa.clauses[1]!.fields.payDeadline!.value]).toEqual(['9000.00', '2026-03-14']);
  });

  it('a move does not lose a concurrent edit of the moved clause', () => {
    const a = demo();
    const b = peerOf(a);
    const settle = ids(a)[5]!;
    moveClause(a, settle, 0, 'a');
    setClauseText(b, settle, '本协议履行完毕后，双方就本次漏水事件再无任何争议。', 'b');
    sync(a, b);
    expect(readAgreement(b)).toEqual(readAgreement(a));
    expect(readAgreement(a).clauses[0]).toMatchObject({ id: settle, text: '本协议履行完毕后，双方就本次漏水事件再无任何争议。' });
  });

  it('two peers moving the same clause end in one order with the clause once; the next move tidies up', () => {
    const a = demo();
    const b = peerOf(a);
    const [repair, liu, chen, recur, breach, settle] = ids(a) as [string, string, string, string, string, string];
    moveClause(a, settle, 0, 'a');
    moveClause(b, settle, 2, 'b');
    sync(a, b);
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a)).toHaveLength(6);
    expect(new Set(ids(a))).toEqual(new Set([repair, liu, chen, recur, breach, settle]));
    expect(agreementParts(a).clauseOrder.length).toBe(7); // the id twice, until…
    moveClause(a, settle, 5, 'a');
    sync(a, b);
    expect(agreementParts(b).clauseOrder.length).toBe(6);
    expect(ids(b)).toEqual([repair, liu, chen, recur, breach, settle]);
  });

  it('a delete wins over a concurrent edit of the deleted clause', () => {
    const a = demo();
    const b = peerOf(a);
    const recur = ids(a)[3]!;
    deleteClause(a, recur, 'a');
    setClauseText(b, recur, '改过的条款', 'b');
    sync(a, b);
    expect(readAgreement(b)).toEqual(readAgreement(a));
    expect(ids(a)).not.toContain(recur);
  });

  it('converge under random operations on three peers', () => {
    type Op = { peer: number; kind: number; pick: number; to: number; text: string };
    const op = fc.record({
      peer: fc.integer({ min: 0, max: 2 }),
      kind: fc.integer({ min: 0, max: 5 }),
      pick: fc.nat(),
      to: fc.nat({ max: 8 }),
      text: fc.constantFrom('赔偿', '维修', '人民币', '2026年3月', '。', ''),
    });
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (rounds: Op[][]) => {
        const base = demo();
        const peers = [base, peerOf(base), peerOf(base)];
        for (const round of rounds) {
          for (const o of round) {
            const doc = peers[o.peer]!;
            const list = ids(doc);
            const id = list[o.pick % Math.max(1, list.length)];
            if (o.kind === 0 || !id) addClause(doc, { text: o.text, index: o.to }, o.peer);
            else if (o.kind === 1) moveClause(doc, id, o.to, o.peer);
            else if (o.kind === 2 && list.length > 1) deleteClause(doc, id, o.peer);
            else if (o.kind === 3) setClauseText(doc, id, texts(doc)[list.indexOf(id)]! + o.text, o.peer);
            else if (o.kind === 4) setSectionText(doc, 'issues', o.text, o.peer);
            else addComment(doc, { target: { clauseId: id }, text: o.text || '意见', author: mediator }, o.peer);
          }
          sync(...peers);
          const [s0, ...rest] = peers.map((p) => readAgreement(p));
          for (const s of rest) expect(s).toEqual(s0);
          expect(new Set(s0!.clauses.map((c) => c.id)).size).toBe(s0!.clauses.length);
        }
      }),
      { numRuns: 40, seed: 20260301 },
    );
  });
});

describe('suggestions and comments', () => {
  it('accepting a replace suggestion applies it to the clause text', () => {
    const doc = demo();
    const repair = ids(doc)[0]!;
    const text = texts(doc)[0]!;
    const index = text.indexOf('检修或更换');
    const id = addSuggestion(doc, { target: { clauseId: repair }, kind: 'replace', index, length: 5, text: '整体更换', author: partyB, now: NOW }, 'b');
    const open = readAgreement(doc).suggestions[0]!;
    expect(open).toMatchObject({
      id,
      kind: 'replace',
      clauseId: repair,
      section: null,
      original: '检修或更换',
      text: '整体更换',
      status: 'open',
      range: { index, length: 5 },
    });
    acceptSuggestion(doc, id, mediator, 'm', NOW);
    expect(texts(doc)[0]).toBe(text.replace('检修或更换', '整体更换'));
    expect(readAgreement(doc).suggestions[0]).toMatchObject({ status: 'accepted', resolvedBy: '边文玲', resolvedAt: NOW.toISOString() });
    expect(() => acceptSuggestion(doc, id, mediator, 'm')).toThrow(expect.objectContaining({ code: 'SUGGESTION_NOT_OPEN' }));
  });

  it('insert and delete suggestions, on a clause and on a section', () => {
    const doc = demo();
    const settle = ids(doc)[5]!;
    const t = texts(doc)[5]!;
    const ins = addSuggestion(doc, { target: { clauseId: settle }, kind: 'insert', index: t.length - 1, text: '，互不追究', author: partyB }, 'b');
    acceptSuggestion(doc, ins, mediator, 'm');
    expect(texts(doc)[5]).toBe('本协议履行完毕后，双方就本次漏水事件再无其他争议，互不追究。');
    const facts = readAgreement(doc).sections.facts.text;
    const del = addSuggestion(doc, { target: { section: 'facts' }, kind: 'delete', index: facts.indexOf('多次'), length: 2, author: partyB }, 'b');
    acceptSuggestion(doc, del, mediator, 'm');
    expect(readAgreement(doc).sections.facts.text).toBe(facts.replace('多次', ''));
  });

  it('a suggestion follows its text through edits elsewhere, made by another peer', () => {
    const a = demo();
    const b = peerOf(a);
    const recur = ids(a)[3]!;
    const t = texts(a)[3]!;
    const id = addSuggestion(b, { target: { clauseId: recur }, kind: 'replace', index: t.indexOf('全部'), length: 2, text: '全额', author: partyB }, 'b');
    setClauseText(a, recur, `经双方确认，${t}`, 'a');
    sync(a, b);
    expect(readAgreement(a).suggestions[0]!.range).toEqual({ index: t.indexOf('全部') + 6, length: 2 });
    acceptSuggestion(a, id, mediator, 'm');
    sync(a, b);
    expect(texts(b)[3]).toBe(`经双方确认，${t.replace('全部', '全额')}`);
  });

  it('refuses to apply a suggestion whose words were changed since (SUGGESTION_STALE)', () => {
    const doc = demo();
    const recur = ids(doc)[3]!;
    const t = texts(doc)[3]!;
    const id = addSuggestion(doc, { target: { clauseId: recur }, kind: 'replace', index: t.indexOf('全部'), length: 2, text: '全额', author: partyB }, 'b');
    setClauseText(doc, recur, t.replace('全部', '按规定'), 'a');
    expect(() => acceptSuggestion(doc, id, mediator, 'm')).toThrow(expect.objectContaining({ code: 'SUGGESTION_STALE' }));
    rejectSuggestion(doc, id, mediator, 'm');
    expect(readAgreement(doc).suggestions[0]!.status).toBe('rejected');
  });

  it('deleting a clause closes its open suggestions; bad ranges are refused', () => {
    const doc = demo();
    const recur = ids(doc)[3]!;
    const id = addSuggestion(doc, { target: { clauseId: recur }, kind: 'replace', text: '乙方维修后再漏水的，乙方照价赔偿。', author: partyB }, 'b');
    expect(readAgreement(doc).suggestions[0]!.range).toEqual({ index: 0, length: texts(doc)[3]!.length });
    deleteClause(doc, recur, 'm', NOW);
    expect(readAgreement(doc).suggestions[0]).toMatchObject({ id, status: 'rejected', range: null });
    const settle = ids(doc)[3]!;
    expect(() => addSuggestion(doc, { target: { clauseId: settle }, kind: 'delete', index: 5, length: 999, author: partyB }, 'b')).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => addSuggestion(doc, { target: { clauseId: settle }, kind: 'insert', index: 0, author: partyB }, 'b')).toThrow(DomainError);
  });

  it('comments on a clause, a section or the whole agreement', () => {
    const doc = demo();
    const liu = ids(doc)[1]!;
    const c1 = addComment(doc, { target: { clauseId: liu }, text: '赔偿金额是否含地板？', author: partyB, now: NOW }, 'b');
    addComment(doc, { target: { section: 'facts' }, text: '漏水从2月开始', author: mediator, now: NOW }, 'm');
    addComment(doc, { text: '整体同意', author: mediator, now: NOW }, 'm');
    resolveComment(doc, c1, mediator, 'm', NOW);
    expect(readAgreement(doc).comments.map((c) => [c.clauseId, c.section, c.authorName, c.status])).toEqual([
      [liu, null, '王某', 'accepted'],
      [null, 'facts', '边文玲', 'open'],
      [null, null, '边文玲', 'open'],
    ]);
    expect(() => addComment(doc, { target: { clauseId: 'c_gone000000' }, text: 'x', author: mediator }, 'm')).toThrow(
      expect.objectContaining({ code: 'CLAUSE_NOT_FOUND' }),
    );
  });
});

describe('named versions and the diff', () => {
  it('snapshots number the versions and re-open as documents', () => {
    const doc = demo();
    const v1 = snapshotVersion(doc, '初稿', { now: NOW });
    const v2 = snapshotVersion(doc, '', { now: NOW });
    expect([v1.version, v1.name, v2.version, v2.name]).toEqual([1, '初稿', 2, '第2版']);
    expect(v1.contentHash).toBe(v2.contentHash); // only the counter changed
    expect(v1.update).toBeInstanceOf(Uint8Array);
    expect(readAgreement(docFromVersion(v1))).toEqual(v1.snapshot);
    expect(JSON.parse(JSON.stringify(v1.snapshot))).toEqual(v1.snapshot);
  });

  it('shows the changes between two versions clause by clause, in Chinese', () => {
    const doc = demo();
    const v1 = snapshotVersion(doc, '初稿', { now: NOW });
    const [repair, liu, chen, recur, _breach, settle] = v1.snapshot.clauses.map((c) => c.id) as [string, string, string, string, string, string];
    const t = (i: number) => v1.snapshot.clauses[i]!.text;
    setClauseText(doc, repair, t(0).replace('检修或更换', '更换'), 'm');
    setFieldValue(doc, { clauseId: liu }, 'amount', '9000', 'm');
    moveClause(doc, liu, 2, 'm');
    setClauseText(doc, recur, t(3).replace('承担修复所需的全部费用', '承担全部修复费用'), 'm');
    deleteClause(doc, settle, 'm');
    addClause(doc, { text: '甲乙双方今后应互谅互让，和睦相处。' }, 'm');
    setSectionText(doc, 'facts', v1.snapshot.sections.facts.text.replace('多次漏水', '反复漏水'), 'm');
    setPerformance(doc, 'deadline', '2026年3月20日前', 'm');
    setPartyField(doc, v1.snapshot.parties[2]!.id, 'address', '内蒙古自治区包头市青山区某小区3号楼1单元601室', 'm');
    setSigningDate(doc, '2026-03-05', 'm');
    const v2 = snapshotVersion(doc, '修改稿', { now: NOW });
    const d = diffVersions(v1, v2);
    expect([d.fromVersion, d.toVersion]).toEqual([1, 2]);
    expect(d.clauses.filter((c) => c.type === 'moved')).toEqual([{ type: 'moved', id: liu, from: 2, to: 3 }]);
    expect(d.clauses.some((c) => c.id === chen)).toBe(false);
    expect(formatDiff(d)).toEqual([
      '签订日期：2026年3月2日 → 2026年3月5日',
      '当事人 乙方（被申请人）王某 住所：“内蒙古自治区包头市青山区青山路街道青五社区某小区3号楼1单元602室” → “内蒙古自治区包头市青山区某小区3号楼1单元601室”',
      '纠纷主要事实 修改：“…乙方房屋内直饮水管道多次漏水，导致甲…” → “…乙方房屋内直饮水管道反复漏水，导致甲…”',
      '第1条 修改：“…屋内的直饮水管道进行检修或更换，彻底消…” → “…屋内的直饮水管道进行更换，彻底消…”',
      '原第2条 移至第3条',
      '第3条 赔偿金额：8,600.00元 → 9,000.00元',
      '第4条 修改：“…维修，并承担修复所需的全部费用。” → “…维修，并承担全部修复费用。”',
      '原第6条 删除：“本协议履行完毕后，双方就本次漏水事件再无其他争议。”',
      '第6条 新增：“甲乙双方今后应互谅互让，和睦相处。”',
      '履行期限：“2026年3月15日前” → “2026年3月20日前”',
    ]);
    expect(formatDiff(diffVersions(v2, v2))).toEqual([]);
  });

  it('a title change, a new party and an emptied field read plainly', () => {
    const doc = demo();
    const v1 = snapshotVersion(doc, 'a');
    const repair = v1.snapshot.clauses[0]!.id;
    setClauseTitle(doc, repair, '管道维修', 'm');
    setFieldValue(doc, { clauseId: repair }, 'repairDeadline', null, 'm');
    addParty(doc, { role: 'RESPONDENT', side: 'B', name: '王某某' }, 'm');
    expect(formatDiff(diffVersions(v1, snapshotVersion(doc, 'b')))).toEqual([
      '当事人 新增：乙方（被申请人）王某某',
      '第1条 标题：“维修” → “管道维修”',
      '第1条 维修完成日期：2026年3月10日 → （未填写）',
    ]);
  });
});

describe('canonical content hash', () => {
  const snap = () => readAgreement(demo());

  /** The same data with every object's keys in reverse order. */
  function reversedKeys<T>(v: T): T {
    if (Array.isArray(v)) return v.map(reversedKeys) as T;
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .reverse()
          .map(([k, x]) => [k, reversedKeys(x)]),
      ) as T;
    return v;
  }

  it('is SHA-256 of canonical JSON, independent of key order', () => {
    const s = snap();
    const c = canonicalAgreementContent(s);
    expect(c.sha256).toBe(createHash('sha256').update(c.json).digest('hex'));
    expect(canonicalAgreementContent(reversedKeys(s))).toEqual(c);
    expect(canonicalJson({ b: [2, { d: 1, c: '人民币' }], a: null })).toBe('{"a":null,"b":[2,{"c":"人民币","d":1}]}');
    expect(c.clauses.map((x) => x.id)).toEqual(s.clauses.map((x) => x.id));
  });

  it('changes when one character of a clause changes, and only that clause’s hash', () => {
    const s = snap();
    const t: AgreementSnapshot = structuredClone(s);
    t.clauses[3]!.text = t.clauses[3]!.text.replace('全部', '全额');
    const a = canonicalAgreementContent(s);
    const b = canonicalAgreementContent(t);
    expect(b.sha256).not.toBe(a.sha256);
    expect(b.clauses.map((x, i) => x.sha256 === a.clauses[i]!.sha256)).toEqual([true, true, true, false, true, true]);
    const u: AgreementSnapshot = structuredClone(s);
    u.clauses[1]!.fields.amount!.value = '8600.01';
    expect(canonicalAgreementContent(u).sha256).not.toBe(a.sha256);
  });

  it('ignores what is not agreed content: comments, suggestions, version counter, signing date', () => {
    const doc = demo();
    const before = canonicalAgreementContent(readAgreement(doc)).sha256;
    addComment(doc, { text: '同意', author: mediator }, 'm');
    addSuggestion(doc, { target: { clauseId: ids(doc)[0]! }, kind: 'insert', index: 0, text: '另，', author: partyB }, 'b');
    setSigningDate(doc, '2026-03-09', 'm');
    snapshotVersion(doc, 'v');
    expect(canonicalAgreementContent(readAgreement(doc)).sha256).toBe(before);
  });
});
