// The templates in agreement-templates/: every one loads, renders into a document, passes the
// checker when filled with a seed case and fails it in the documented ways when not; court
// documents render both ruling variants; broken files fail loading with the file and field named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../signaling/errors.ts';
import { DISPUTE_TYPE_KEYS } from '../../signaling/domain/vocabulary.ts';
import {
  checkAgreement,
  checkCourtDocument,
  courtValuesFromAgreement,
  createAgreementDoc,
  placeholderKeys,
  readAgreement,
  renderBlock,
  renderCourtDocument,
  SECTION_KEYS,
  type AgreementTemplate,
  type Finding,
} from '../../signaling/agreement/index.ts';
import { DEMO_CASES, DEMO_COURT_VALUES, DEMO_TODAY, demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { loadBuiltinTemplates, loadTemplates, TEMPLATES_DIR, TemplateLoadError } from '../../signaling/agreement/template-loader.ts';

const catalog = loadBuiltinTemplates();
const agreements = catalog.agreements();
const check = (doc: Parameters<typeof readAgreement>[0]) => checkAgreement(readAgreement(doc), { today: DEMO_TODAY });
const summary = (fs: Finding[]) => fs.map((f) => `${f.code}${f.field ? `:${f.field}` : ''}`);

describe('the shipped templates', () => {
  it('load complete: one agreement template per dispute type plus both court documents', () => {
    expect(catalog.all.map((t) => `${t.kind}/${t.id}`).sort()).toEqual([
      'agreement/financial-loan',
      'agreement/general',
      'agreement/neighbour',
      'agreement/private-loan',
      'agreement/property-sale',
      'agreement/property-service',
      'civil-ruling/civil-ruling',
      'confirmation-application/confirmation-application',
      'court-notice/court-notice',
      'follow-up-record/follow-up-record',
      'mediation-minutes/mediation-minutes',
      'questioning-minutes/questioning-minutes',
      'rights-notice/rights-notice',
      'service-address-confirmation/service-address-confirmation',
      'termination-notice/termination-notice',
    ]);
    expect(DISPUTE_TYPE_KEYS.map((k) => catalog.agreementFor(k).name)).toEqual([
      '相邻关系纠纷（漏水等）',
      '房屋买卖合同纠纷',
      '金融借款合同纠纷',
      '物业服务合同纠纷',
      '民间借贷纠纷',
      '一般民事纠纷（通用）',
    ]);
    expect(() => catalog.get('nope')).toThrow(DomainError);
  });

  it('every agreement template has a filled seed case (adding a template = adding its case)', () => {
    expect(agreements.map((t) => t.id).filter((id) => !DEMO_CASES[id])).toEqual([]);
  });
});

describe.each(agreements.map((t) => [t.id, t] as [string, AgreementTemplate]))('agreement template %s', (_id, template) => {
  const blank = () =>
    createAgreementDoc(template, {
      caseNumber: '',
      disputeType: template.disputeType,
      orgName: '青山区人民调解委员会',
      parties: [{ role: 'APPLICANT', side: 'A', name: '刘某' }],
    });

  it('renders: art. 29 sections, the default clauses in order, performance defaults', () => {
    const s = readAgreement(blank());
    expect(s.meta).toMatchObject({ templateId: template.id, templateVersion: template.version, title: template.title, version: 0 });
    for (const key of SECTION_KEYS) {
      expect(s.sections[key].text).toBe(template.sections[key].text);
      expect(Object.keys(s.sections[key].fields)).toEqual(Object.keys(template.sections[key].fields));
    }
    const defaults = template.clauses.filter((c) => c.include === 'default');
    expect(s.clauses.map((c) => c.templateKey)).toEqual(defaults.map((c) => c.key));
    expect(new Set(s.clauses.map((c) => c.id)).size).toBe(s.clauses.length);
    expect(s.performance.method).toBe(template.performance.method.default ?? null);
    // Unfilled fields render as 【label】.
    const firstField = defaults.find((c) => Object.keys(c.fields).length)!;
    const clause = s.clauses.find((c) => c.templateKey === firstField.key)!;
    expect(renderBlock(clause)).toContain(`【${Object.values(firstField.fields)[0]!.label}】`);
  });

  it('passes the checker when filled with its seed case', () => {
    const doc = demoAgreementDoc(catalog, template.id);
    const s = readAgreement(doc);
    expect(checkAgreement(s, { today: DEMO_TODAY })).toEqual([]);
    for (const c of s.clauses) expect(renderBlock(c)).not.toMatch(/【|\{\{/);
  });

  it('fails it in the documented ways when not filled', () => {
    const found = summary(check(blank()));
    // Every fill-in of every section and default clause is an error, by field key.
    const expectedFields = [
      ...SECTION_KEYS.flatMap((k) => placeholderKeys(template.sections[k].text).map((f) => `FIELD_UNFILLED:${f}`)),
      ...template.clauses.filter((c) => c.include === 'default').flatMap((c) => placeholderKeys(c.text).map((f) => `FIELD_UNFILLED:${f}`)),
    ];
    expect(found.filter((f) => f.startsWith('FIELD_UNFILLED'))).toEqual(expectedFields);
    expect(found).toEqual(
      expect.arrayContaining([
        'CASE_NUMBER_MISSING:caseNumber',
        'PARTIES_TOO_FEW',
        'PARTY_ID_MISSING:idMasked',
        'PARTY_ADDRESS_MISSING:address',
        'PERFORMANCE_DEADLINE_MISSING:deadline',
        'PERFORMANCE_PLACE_MISSING:place',
      ]),
    );
    expect(check(blank()).every((f) => f.message && f.hint)).toBe(true);
  });

  it('every fill-in accepts its own example, and the examples fill a clean agreement', () => {
    const values: Record<string, string> = {};
    for (const key of SECTION_KEYS) for (const [k, f] of Object.entries(template.sections[key].fields)) values[`${key}.${k}`] = f.example!;
    for (const c of template.clauses) for (const [k, f] of Object.entries(c.fields)) values[`${c.key}.${k}`] = f.example!;
    const demo = DEMO_CASES[template.id]!.caseData;
    const s = readAgreement(createAgreementDoc(template, { ...demo, fieldValues: values }));
    const fieldProblems = checkAgreement(s, { today: DEMO_TODAY }).filter((f) => f.code.startsWith('FIELD_'));
    expect(fieldProblems).toEqual([]);
  });
});

describe('court documents', () => {
  const agreement = readAgreement(demoAgreementDoc(catalog, 'neighbour'));
  const input = { parties: agreement.parties, values: { ...courtValuesFromAgreement(agreement), ...DEMO_COURT_VALUES } };

  it('司法确认申请书 renders from the agreement: applicants, request, facts with the clauses, court', () => {
    const t = catalog.court('confirmation-application');
    const doc = renderCourtDocument(t, input);
    expect(doc.unfilled).toEqual([]);
    expect(checkCourtDocument(t, input)).toEqual([]);
    const byKey = Object.fromEntries(doc.blocks.map((b) => [b.key, b]));
    expect(byKey.applicants!.paragraphs.map((p) => p.slice(0, 6))).toEqual(['申请人：刘某', '申请人：陈某', '申请人：王某']);
    expect(byKey.request!.heading).toBe('请求事项');
    expect(byKey.request!.paragraphs).toEqual([
      '请求依法确认申请人之间于二〇二六年三月二日经青山区人民调解委员会主持调解达成的调解协议（青山调〔2026〕第12号）有效。',
    ]);
    expect(byKey.facts!.paragraphs).toContain(
      '二、乙方于2026年3月15日前一次性赔偿甲方刘某房屋卫生间吊顶、卧室墙面等财产损失共计人民币8,600.00元（大写：捌仟陆佰元整）。',
    );
    expect(byKey.addressee!.paragraphs).toEqual(['此致', '包头市青山区人民法院']);
    // Each applicant's own signature (#17 item 6), not a blank line.
    expect(byKey.signature).toMatchObject({ align: 'left', paragraphs: ['申请人：刘某（电子签名：2026年3月5日 10:05本人签署）', '二〇二六年三月五日'] });
  });

  it('民事裁定书 renders 确认有效 and 驳回申请 from the same data', () => {
    const t = catalog.court('civil-ruling');
    const confirm = renderCourtDocument(t, input, { variant: 'confirm' });
    const dismiss = renderCourtDocument(t, input, { variant: 'dismiss' });
    const text = (d: typeof confirm) => d.blocks.flatMap((b) => b.paragraphs).join('\n');
    expect(text(confirm)).toContain('申请人刘某、陈某、王某于二〇二六年三月二日经青山区人民调解委员会主持调解达成的调解协议有效。');
    expect(text(confirm)).not.toContain('驳回');
    expect(text(dismiss)).toContain('本院经审查认为，该调解协议约定的赔偿金额不明确，无法确认，不符合司法确认调解协议的法定条件。');
    expect(text(dismiss)).toContain('驳回申请人刘某、陈某、王某的司法确认申请。');
    expect(text(dismiss)).not.toContain('调解协议有效');
    expect(confirm.blocks[0]).toMatchObject({ key: 'header', align: 'center', paragraphs: ['包头市青山区人民法院'] });
    expect(checkCourtDocument(t, input, { variant: 'dismiss' })).toEqual([]);
  });

  it('needs a valid variant, and only the chosen variant’s fields', () => {
    const t = catalog.court('civil-ruling');
    expect(() => renderCourtDocument(t, input)).toThrow(expect.objectContaining({ code: 'VARIANT_UNKNOWN' }));
    expect(() => renderCourtDocument(t, input, { variant: 'maybe' })).toThrow(DomainError);
    const { dismissReason: _, ...values } = input.values;
    expect(checkCourtDocument(t, { ...input, values }, { variant: 'confirm' })).toEqual([]);
    expect(summary(checkCourtDocument(t, { ...input, values }, { variant: 'dismiss' }))).toEqual(['FIELD_UNFILLED:dismissReason']);
    expect(summary(checkCourtDocument(t, { ...input, values }, { variant: 'refuse' }))).toEqual(['FIELD_UNFILLED:dismissReason']);
  });

  it('fails the check in the documented ways when not filled', () => {
    const t = catalog.court('confirmation-application');
    const f = checkCourtDocument(t, { parties: [agreement.parties[0]!], values: { applicationDate: '三月五日' } });
    expect(summary(f)).toEqual([
      'PARTIES_TOO_FEW',
      'FIELD_UNFILLED:agreementDate',
      'FIELD_UNFILLED:mediationOrg',
      'FIELD_UNFILLED:agreementNumber',
      'FIELD_UNFILLED:disputeName',
      'FIELD_UNFILLED:agreementContent',
      'FIELD_UNFILLED:court',
      'FIELD_UNFILLED:signatures',
      'FIELD_INVALID:applicationDate',
    ]);
    expect(renderCourtDocument(t, { parties: [], values: {} }).blocks.find((b) => b.key === 'addressee')!.paragraphs).toEqual(['此致', '【受理法院】']);
  });
});

describe('broken template files fail loading, naming the file and the field', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  const shipped = (id: string) => JSON.parse(readFileSync(path.join(TEMPLATES_DIR, `${id}.json`), 'utf8'));

  function loadWith(files: Record<string, unknown>, opts = {}): string {
    dir = mkdtempSync(path.join(tmpdir(), 'jiefen-templates-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    try {
      loadTemplates(dir, opts);
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateLoadError);
      return (err as Error).message;
    }
    throw new Error('expected the load to fail');
  }

  it.each<[string, (t: any) => void, string]>([
    ['an unknown field type', (t) => (t.clauses[1].fields.amount.type = 'money'), 'neighbour.json: clauses[1].fields.amount.type: Invalid option'],
    [
      'a placeholder without a field',
      (t) => (t.clauses[0].text += '{{colour}}'),
      'neighbour.json: clauses[0].text: placeholder {{colour}} is not declared in fields',
    ],
    [
      'a field no text uses',
      (t) => (t.sections.issues.fields.spare = { type: 'text', label: '备用' }),
      'neighbour.json: sections.issues.fields.spare: field "spare" is declared but no text uses {{spare}}',
    ],
    [
      'an example that is not a valid value',
      (t) => (t.clauses[1].fields.amount.example = '若干'),
      'neighbour.json: clauses[1].fields.amount.example: "若干" is not a valid amount',
    ],
    ['a missing art. 29 section', (t) => delete t.sections.liability, 'neighbour.json: sections.liability: Invalid input'],
    ['an unknown dispute type', (t) => (t.disputeType = 'DIVORCE'), 'neighbour.json: disputeType: Invalid option'],
    ['a duplicate clause key', (t) => (t.clauses[2].key = 'repair'), 'neighbour.json: clauses[2].key: duplicate clause key "repair"'],
    ['an unknown property', (t) => (t.colour = 'red'), 'neighbour.json: (root): Unrecognized key: "colour"'],
    [
      'an unknown kind',
      (t) => (t.kind = 'letter'),
      'neighbour.json: kind: must be one of "agreement", "confirmation-application", "civil-ruling", "rights-notice", "termination-notice", "mediation-minutes", "court-notice", "questioning-minutes", "service-address-confirmation", "follow-up-record" (got "letter")',
    ],
    ['an id that is not the file name', (t) => (t.id = 'leak'), 'neighbour.json: id: "leak" must equal the file name "neighbour"'],
  ])('%s', (_name, breakIt, message) => {
    const t = shipped('neighbour');
    breakIt(t);
    expect(loadWith({ 'neighbour.json': t })).toContain(message);
  });

  it('a court template with an undeclared variant', () => {
    const t = shipped('civil-ruling');
    t.blocks[5].variant = 'partly';
    expect(loadWith({ 'civil-ruling.json': t })).toContain('civil-ruling.json: blocks[5].variant: variant "partly" is not declared in variants');
  });

  it('invalid JSON, and every problem of every file in one error', () => {
    const t = shipped('general');
    t.version = 0;
    const msg = loadWith({ 'neighbour.json': '{ "id": "neighbour", ', 'general.json': t });
    expect(msg).toMatch(/^Invalid agreement templates:\n/);
    expect(msg).toContain('general.json: version: Too small');
    expect(msg).toMatch(/neighbour\.json: not valid JSON/);
  });

  it('two templates for one dispute type, and an incomplete set when completeness is required', () => {
    const a = shipped('neighbour');
    const b = { ...shipped('neighbour'), id: 'water-leak' };
    expect(loadWith({ 'neighbour.json': a, 'water-leak.json': b })).toMatch(
      /water-leak\.json: disputeType: NEIGHBOUR already has a template in .*\/neighbour\.json/,
    );
    const msg = loadWith({ 'neighbour.json': a }, { requireComplete: true });
    expect(msg).toContain('no agreement template for disputeType PROPERTY_SALE');
    expect(msg).toContain('no template of kind civil-ruling');
  });
});
