// The completeness checker and the Chinese amount/date parsers behind it: table-driven parser
// cases, one case per finding code (and a guard that every documented code has one), the
// contradiction checks, personal-status detection (电子签名法 art. 3) and no false alarms on the
// filled seed cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkAgreement,
  checkCourtDocument,
  courtValuesFromAgreement,
  electronicSigningAllowed,
  FINDING_CODES,
  FINDING_CODE_KEYS,
  findAmounts,
  findDates,
  formatAmountWords,
  formatDateChinese,
  parseAmount,
  parseCalendarDate,
  parseChineseInteger,
  parseDeadline,
  readAgreement,
  resolveDate,
  type AgreementSnapshot,
  type ClauseSnapshot,
  type Finding,
  type FindingCode,
} from '../../signaling/agreement/index.ts';
import { DEMO_COURT_VALUES, DEMO_TODAY, demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';

const catalog = loadBuiltinTemplates();
const filled = (templateId: string): AgreementSnapshot => readAgreement(demoAgreementDoc(catalog, templateId));
const check = (s: AgreementSnapshot) => checkAgreement(s, { today: DEMO_TODAY });
const codes = (fs: Finding[]) => fs.map((f) => f.code);

/** A clause with plain text (no fill-ins), for wording cases. */
const plain = (id: string, text: string): ClauseSnapshot => ({ id, templateKey: null, title: '', text, fields: {} });

describe('amount parser', () => {
  it.each<[string, number | null, boolean?]>([
    ['5000元', 500000, true],
    ['¥5,000.00', 500000, true],
    ['￥5000', 500000, true],
    ['人民币伍仟元整', 500000, true],
    ['5千元', 500000, true],
    ['1.2万元', 1200000, true],
    ['86万元', 86000000, true],
    ['人民币8,600.50元', 860050, true],
    ['五千元', 500000, true],
    ['两万五千元', 2500000, true],
    ['壹万零伍元整', 1000500, true],
    ['陆万零叁佰陆拾元伍角', 6036050, true],
    ['壹佰元零伍分', 10005, true],
    ['RMB 300', 30000, true],
    ['8600', 860000, false],
    ['8600.00', 860000, false],
    ['1.2万', 1200000, false],
    ['若干', null],
    ['十五日', null],
    ['8600.123元', null],
    ['', null],
  ])('%s', (raw, fen, currency) => {
    const a = parseAmount(raw);
    if (fen === null) expect(a).toBeNull();
    else expect(a).toEqual({ fen, currency });
  });

  it.each<[number, string]>([
    [860000, '捌仟陆佰元整'],
    [1000500, '壹万零伍元整'],
    [10000000, '壹拾万元整'],
    [12345, '壹佰贰拾叁元肆角伍分'],
    [10005, '壹佰元零伍分'],
    [6036050, '陆万零叁佰陆拾元伍角'],
    [5, '伍分'],
    [0, '零元整'],
    [10010000000, '壹亿零壹拾万元整'],
    [10001000000, '壹亿零壹万元整'],
  ])('大写 of %d 分 is %s and parses back', (fen, words) => {
    expect(formatAmountWords(fen)).toBe(words);
    expect(parseAmount(`${words}`)?.fen ?? 0).toBe(fen);
  });

  it.each<[string, number]>([
    ['十', 10],
    ['十五', 15],
    ['二十', 20],
    ['一百零五', 105],
    ['一千零一十', 1010],
    ['一万二千三百', 12300],
    ['壹拾万', 100000],
    ['二〇二六', 2026],
  ])('Chinese integer %s = %d', (s, n) => expect(parseChineseInteger(s)).toBe(n));

  it('finds amounts in running text, skipping days, floors and rates', () => {
    const text = '乙方于15日内赔偿6楼住户损失人民币8,600.00元（大写：捌仟陆佰元整），逾期按每日万分之五计付违约金，另支付3000';
    const found = findAmounts(text).map((a) => [a.raw, a.fen, a.currency, a.words]);
    expect(found).toEqual([
      ['人民币8,600.00元', 860000, true, false],
      ['捌仟陆佰元整', 860000, true, true],
      ['3000', 300000, false, false],
    ]);
  });
});

describe('date parser', () => {
  it.each<[string, string | null]>([
    ['2026年3月1日', '2026-03-01'],
    ['2026-03-01', '2026-03-01'],
    ['2026/3/1', '2026-03-01'],
    ['2026.3.1', '2026-03-01'],
    ['二〇二六年三月十五日', '2026-03-15'],
    ['2026年3月1号', '2026-03-01'],
    ['2026年2月30日', null],
    ['2026年13月1日', null],
    ['2026年3月', null],
    ['下周一', null],
  ])('%s → %s', (raw, iso) => expect(parseCalendarDate(raw)).toBe(iso));

  it.each<[string, { amount: number; unit: string; anchor: string }]>([
    ['本协议签订之日起十五日内', { amount: 15, unit: 'day', anchor: 'signing' }],
    ['协议生效之日起30日内', { amount: 30, unit: 'day', anchor: 'effective' }],
    ['签字后十日内', { amount: 10, unit: 'day', anchor: 'signing' }],
    ['本协议签订后一个月内', { amount: 1, unit: 'month', anchor: 'signing' }],
  ])('relative deadline %s', (raw, expected) => {
    expect(parseDeadline(raw)).toEqual({ kind: 'relative', ...expected });
  });

  it('resolves relative deadlines against the signing date and month ends', () => {
    expect(resolveDate(parseDeadline('本协议签订之日起十五日内')!, '2026-03-02')).toBe('2026-03-17');
    expect(resolveDate(parseDeadline('本协议签订后一个月内')!, '2026-01-31')).toBe('2026-03-03');
    expect(resolveDate(parseDeadline('2026年2月底前')!, '2026-01-01')).toBe('2026-02-28');
    expect(resolveDate(parseDeadline('本协议签订之日起十五日内')!, null)).toBeNull();
    expect(formatDateChinese('2026-03-10')).toBe('二〇二六年三月十日');
  });

  it('tells deadlines from past events and periods', () => {
    const text =
      '双方于2024年5月18日签订合同，乙方于2026年3月31日前付款，缴纳2024年1月1日起至2025年12月31日止的费用，最迟不晚于2026年4月1日，于2026年5月1日支付，已于2026年2月1日支付定金。';
    expect(findDates(text).map((d) => [d.raw, d.deadline])).toEqual([
      ['2024年5月18日', false],
      ['2026年3月31日', true],
      ['2024年1月1日', false],
      ['2025年12月31日', false],
      ['2026年4月1日', true],
      ['2026年5月1日', true],
      ['2026年2月1日', false],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// One case per finding code. Each mutates a filled seed case so that exactly the intended problem
// appears (and asserts that code is produced).

type Case = [FindingCode, string, (s: AgreementSnapshot) => void, string?];
const setClause = (s: AgreementSnapshot, i: number, text: string) => (s.clauses[i] = plain(s.clauses[i]!.id, text));

const AGREEMENT_CASES: Case[] = [
  ['CASE_NUMBER_MISSING', 'neighbour', (s) => void (s.meta.caseNumber = '')],
  ['PARTIES_TOO_FEW', 'neighbour', (s) => void (s.parties = s.parties.filter((p) => p.side === 'A'))],
  ['PARTY_NAME_MISSING', 'neighbour', (s) => void (s.parties[0]!.name = '')],
  ['PARTY_ID_MISSING', 'neighbour', (s) => void (s.parties[2]!.idMasked = null), '乙方王某：身份证号码未填写'],
  ['PARTY_ID_MISSING', 'property-sale', (s) => void (s.parties[0]!.creditCode = null), '统一社会信用代码未填写'],
  ['PARTY_ADDRESS_MISSING', 'neighbour', (s) => void (s.parties[1]!.address = null), '甲方陈某：住所未填写'],
  ['PARTY_REPRESENTATIVE_MISSING', 'financial-loan', (s) => void (s.parties[0]!.legalRepresentative = null)],
  ['FACTS_MISSING', 'general', (s) => void (s.sections.facts = { text: '', fields: {} })],
  ['ISSUES_MISSING', 'neighbour', (s) => void (s.sections.issues = { text: '  ', fields: {} })],
  ['LIABILITY_MISSING', 'neighbour', (s) => void (s.sections.liability = { text: '', fields: {} })],
  ['CLAUSES_MISSING', 'neighbour', (s) => void (s.clauses = [])],
  ['CLAUSE_EMPTY', 'neighbour', (s) => setClause(s, 3, '')],
  ['FIELD_UNFILLED', 'neighbour', (s) => void (s.clauses[1]!.fields.amount!.value = null), '第2条：「赔偿金额」未填写'],
  ['FIELD_INVALID', 'neighbour', (s) => void (s.clauses[0]!.fields.repairDeadline!.value = '三月中旬'), '「维修完成日期」填写的“三月中旬”无效'],
  ['PLACEHOLDER_UNKNOWN', 'neighbour', (s) => void (s.clauses[3]!.text += '{{extra}}')],
  ['TEXT_PLACEHOLDER', 'neighbour', (s) => setClause(s, 3, '乙方于____前将管道维修完毕。')],
  ['AMOUNT_VAGUE', 'neighbour', (s) => setClause(s, 3, '乙方另给予甲方若干补偿。'), '“若干”'],
  ['AMOUNT_MISSING', 'neighbour', (s) => setClause(s, 3, '乙方承诺向甲方支付维修费用。')],
  ['AMOUNT_NO_CURRENCY', 'neighbour', (s) => setClause(s, 3, '乙方另向甲方支付清洁费500。'), '“500”'],
  ['AMOUNT_WORDS_MISMATCH', 'neighbour', (s) => setClause(s, 3, '乙方另向甲方支付清洁费人民币500.00元（大写：伍佰伍拾元整）。')],
  [
    'TOTAL_CONFLICT',
    'neighbour',
    (s) => setClause(s, 3, '乙方赔偿甲方刘某的损失合计人民币9,000.00元。'),
    '第4条写明的赔偿总额9,000.00元与第2条的8,600.00元不一致',
  ],
  [
    'INSTALMENT_SUM_MISMATCH',
    'financial-loan',
    (s) => void (s.clauses[1]!.fields.amount3!.value = '20000.00'),
    '各期金额合计60,000.00元，与总额60,360.50元相差360.50元',
  ],
  ['INSTALMENT_COUNT_MISMATCH', 'financial-loan', (s) => void (s.clauses[1]!.fields.count!.value = '4'), '约定分4期，但列明了3期'],
  ['DATE_INVALID', 'neighbour', (s) => setClause(s, 3, '乙方于2026年2月30日前清理现场。')],
  ['DEADLINE_VAGUE', 'neighbour', (s) => setClause(s, 3, '乙方应尽快清理维修垃圾。'), '“尽快”'],
  ['DEADLINE_BEFORE_SIGNING', 'neighbour', (s) => void (s.clauses[0]!.fields.repairDeadline!.value = '2026-02-20'), '早于协议签订日期2026年3月2日'],
  ['DEADLINE_AFTER_PERFORMANCE', 'neighbour', (s) => void (s.clauses[0]!.fields.repairDeadline!.value = '2026-04-10'), '晚于履行期限“2026年3月15日前”'],
  ['PERFORMANCE_METHOD_MISSING', 'neighbour', (s) => void (s.performance.method = null)],
  ['PERFORMANCE_DEADLINE_MISSING', 'neighbour', (s) => void (s.performance.deadline = null)],
  ['PERFORMANCE_PLACE_MISSING', 'neighbour', (s) => void (s.performance.place = null)],
  ['PAYEE_ACCOUNT_MISSING', 'private-loan', (s) => void (s.performance.account = null)],
  ['PERSONAL_STATUS', 'general', (s) => setClause(s, 1, '甲乙双方自愿离婚，婚生子由甲方抚养。'), '不适用电子签名'],
  ['UTILITY_SUSPENSION', 'property-service', (s) => setClause(s, 3, '乙方逾期未缴纳的，甲方可以停止供水。')],
  ['OWNERSHIP_CONFIRMATION', 'general', (s) => setClause(s, 1, '双方确认涉案车库归甲方所有。'), '法院不予司法确认'],
  ['OWNERSHIP_CONFIRMATION', 'property-sale', (s) => setClause(s, 2, '甲乙双方同意对该房屋确权，由乙方取得所有权。'), '“确权”'],
  ['PAPER_SIGNING_POSSIBLE', 'general', (s) => void (s.sections.facts.fields.factsText!.value = '甲乙双方原系夫妻，离婚后因借款发生纠纷。')],
];

describe('one finding per documented code', () => {
  it.each(AGREEMENT_CASES)('%s (%s)', (code, templateId, mutate, message) => {
    const s = structuredClone(filled(templateId));
    mutate(s);
    const found = check(s).filter((f) => f.code === code);
    expect(found.length, JSON.stringify(check(s), null, 1)).toBeGreaterThan(0);
    expect(found[0]!.severity).toBe(FINDING_CODES[code].severity);
    expect(found[0]!.hint.length).toBeGreaterThan(0);
    if (message) expect(found.map((f) => f.message).join('\n')).toContain(message);
  });

  it('CONFIRMATION_LATE: an application more than 30 days after the agreement took effect', () => {
    const s = filled('neighbour');
    const t = catalog.court('confirmation-application');
    const values = { ...courtValuesFromAgreement(s), ...DEMO_COURT_VALUES, applicationDate: '2026-04-05' };
    const f = checkCourtDocument(t, { parties: s.parties, values });
    expect(codes(f)).toEqual(['CONFIRMATION_LATE']);
    expect(checkCourtDocument(t, { parties: s.parties, values: { ...values, applicationDate: '2026-04-01' } })).toEqual([]);
  });

  it('every code in FINDING_CODES has a case above', () => {
    const covered = new Set<string>([...AGREEMENT_CASES.map((c) => c[0]), 'CONFIRMATION_LATE']);
    expect(FINDING_CODE_KEYS.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('the README table documents exactly these codes with their severities', () => {
    const readme = readFileSync(new URL('../../signaling/agreement/README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (error|warning|info) \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(FINDING_CODE_KEYS.map((c) => [c, FINDING_CODES[c].severity]));
  });
});

describe('contradictions', () => {
  it('different totals for different payees are not a conflict (one clause per household)', () => {
    expect(check(filled('neighbour'))).toEqual([]);
  });

  it('a 大写 twin counts once, so an instalment schedule with words adds up', () => {
    const s = filled('financial-loan');
    expect(check(s)).toEqual([]);
  });

  it('two totals for the same 款项 within one clause', () => {
    const s = structuredClone(filled('property-sale'));
    setClause(s, 0, '乙方于2026年3月31日前向甲方一次性支付剩余购房款共计人民币260,000.00元；上述剩余购房款合计人民币250,000.00元。');
    expect(check(s).find((f) => f.code === 'TOTAL_CONFLICT')?.message).toBe('第1条：剩余购房款总额前后不一致（260,000.00元与250,000.00元）');
  });

  it('instalments in written text without fields', () => {
    const s = structuredClone(filled('private-loan'));
    setClause(s, 0, '乙方分两期向甲方归还借款本金共计人民币5万元：第一期于2026年3月31日前归还人民币2万元；第二期于2026年4月30日前归还人民币2.5万元。');
    const f = check(s).filter((x) => x.code.startsWith('INSTALMENT'));
    expect(f.map((x) => x.message)).toEqual(['第1条：各期金额合计45,000.00元，与总额50,000.00元相差5,000.00元']);
  });

  it('a relative deadline is measured from the planned signing date', () => {
    const s = structuredClone(filled('general'));
    setClause(s, 1, '乙方于本协议签订之日起十五日内当面向甲方赔礼道歉。');
    // 2026-03-02 + 15 days = 2026-03-17, later than the performance deadline 2026-03-10.
    const f = check(s).find((x) => x.code === 'DEADLINE_AFTER_PERFORMANCE');
    expect(f?.message).toBe('第2条：期限“本协议签订之日起十五日内（即2026年3月17日）”晚于履行期限“2026年3月10日前”');
    s.performance.deadline = '本协议签订之日起二十日内';
    expect(codes(check(s))).toEqual([]);
  });

  it('a performance deadline before signing', () => {
    const s = structuredClone(filled('general'));
    s.performance.deadline = '2026年2月28日前';
    expect(
      check(s)
        .filter((f) => f.code === 'DEADLINE_BEFORE_SIGNING')
        .map((f) => f.section),
    ).toEqual(['performance']);
  });

  it('without a planned signing date, deadlines are measured from today', () => {
    const s = structuredClone(filled('general'));
    s.meta.signingDate = null;
    s.clauses[0]!.fields.payDeadline!.value = '2026-02-27';
    expect(check(s).find((f) => f.code === 'DEADLINE_BEFORE_SIGNING')?.message).toContain('早于今天（2026年3月1日）');
  });
});

describe('matters electronic signatures cannot cover (电子签名法 art. 3)', () => {
  it.each<[string, string]>([
    ['甲乙双方协议离婚。', '离婚'],
    ['婚生子王某某由甲方抚养，乙方每月支付抚养费人民币1,500.00元。', '抚养费'],
    ['父亲遗留的房屋由甲方继承，乙方放弃对该遗产的继承。', '继承'],
    ['乙方同意将其女儿送养给甲方。', '送养'],
  ])('%s → PERSONAL_STATUS', (text, word) => {
    const s = structuredClone(filled('general'));
    setClause(s, 1, text);
    const f = check(s).filter((x) => x.code === 'PERSONAL_STATUS');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'warning', clauseId: s.clauses[1]!.id });
    expect(f[0]!.message).toContain(`“${word}”`);
    expect(electronicSigningAllowed(check(s))).toBe(false);
  });

  it('a matter in dispute (争议事项) counts too; a mention in the facts only is a hint', () => {
    const s = structuredClone(filled('general'));
    s.sections.issues.fields.issuesText!.value = '双方争议的焦点为遗产的分割。';
    expect(codes(check(s))).toEqual(['PERSONAL_STATUS']);
    const t = structuredClone(filled('general'));
    t.sections.facts.fields.factsText!.value = '甲乙双方系离婚后的邻居，因车辆剐蹭发生纠纷。';
    expect(check(t).map((f) => [f.code, f.severity])).toEqual([['PAPER_SIGNING_POSSIBLE', 'info']]);
    expect(electronicSigningAllowed(check(t))).toBe(true);
  });

  it('ordinary property clauses allow electronic signing', () => {
    for (const t of catalog.agreements()) expect(electronicSigningAllowed(check(filled(t.id))), t.id).toBe(true);
  });
});
