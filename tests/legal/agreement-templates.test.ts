// #17 item 4, the templates: every agreement template carries a 违约责任 clause in every new
// agreement; no clause leans on terms the agreement does not state or stays open-ended; every
// printed agreement tells the parties of the 30-day joint application for 司法确认 (read back
// from the PDF with pdftotext under an empty fontconfig); the checker flags 确权 wording
// (解释 355); the party line follows the 司法部 format with 出生日期 from the ID and 民族.
import { describe, expect, it } from 'vitest';
import { checkAgreement, readAgreement, type AgreementSnapshot } from '../../signaling/agreement/index.ts';
import { renderText } from '../../signaling/agreement/fields.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';
import { ageOn, isMinorOn } from '../../signaling/domain/party-details.ts';
import { agreementLines, renderAgreementPdf } from '../../signaling/signing/agreement-pdf.ts';
import { AGREEMENT_NOTICES, AGREEMENT_NOTICES_FILE, loadAgreementNotices } from '../../signaling/agreement/agreement-notices.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_CASES, DEMO_TODAY, demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';

const catalog = loadBuiltinTemplates();
const agreements = catalog.agreements();
const squash = (s: string) => s.replace(/\s+/g, '');
const filled = (id: string): AgreementSnapshot => readAgreement(demoAgreementDoc(catalog, id));

/** Wording that points at terms outside the agreement, or leaves the obligation open. */
const UNSTATED_OR_OPEN = /原(?:借款)?合同约定的|按.{0,10}合同约定的(?:收费)?标准|依法承担(?:赔偿)?责任|另行协商|视情况/;

describe('agreement templates (#17 item 4)', () => {
  it('ships the six agreement templates', () => {
    expect(agreements.map((t) => t.id).sort()).toEqual(['financial-loan', 'general', 'neighbour', 'private-loan', 'property-sale', 'property-service']);
  });

  it.each(agreements.map((t) => [t.id]))('%s: a 违约责任 clause in every new agreement', (id) => {
    const t = catalog.get(id);
    if (t.kind !== 'agreement') throw new Error('not an agreement');
    const breach = t.clauses.filter((c) => c.title === '违约责任');
    expect(breach).toHaveLength(1);
    expect(breach[0]!.include).toBe('default');
    // A consequence, not a promise of one: who pays what, or how it is computed.
    expect(breach[0]!.text).toMatch(/违约金|逾期利息/);
    expect(filled(id).clauses.some((c) => c.title === '违约责任')).toBe(true);
  });

  it.each(agreements.map((t) => [t.id]))('%s: no clause refers to terms it does not state or stays open-ended', (id) => {
    const t = catalog.get(id);
    if (t.kind !== 'agreement') throw new Error('not an agreement');
    const offending = t.clauses.filter((c) => UNSTATED_OR_OPEN.test(c.text)).map((c) => `${c.key}: ${c.text}`);
    expect(offending).toEqual([]);
  });

  it('the clauses named in the issue now state what they rely on', () => {
    const clause = (tid: string, key: string) => {
      const t = catalog.get(tid);
      if (t.kind !== 'agreement') throw new Error('not an agreement');
      return t.clauses.find((c) => c.key === key)!;
    };
    // financial-loan: the overdue rate is written into the agreement, not "原合同逾期利率".
    expect(clause('financial-loan', 'acceleration').text).toContain('{{overdueRate}}');
    // neighbour: the recurrence promise is bounded in time and says what B does.
    expect(clause('neighbour', 'recurrence').text).toMatch(/一年内.*三日内负责维修/);
    // property-service: the fee and the period are stated.
    expect(clause('property-service', 'futureFees').text).toContain('{{monthlyFee}}');
    expect(clause('property-service', 'futureFees').text).toContain('{{feesUntil}}');
    // private-loan: the 逾期后果 its guidance promises is in the agreement.
    expect(catalog.get('private-loan').guidance).toContain('逾期后果');
    expect(clause('private-loan', 'breach').text).toContain('逾期');
  });

  it.each(agreements.map((t) => [t.id]))('%s: the filled seed case still passes the checker with the new clauses', (id) => {
    const errors = checkAgreement(filled(id), { today: DEMO_TODAY }).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });
});

describe('the printed agreement (pdftotext)', () => {
  it.each(agreements.map((t) => [t.id]))('%s: the 违约责任 clause and the 30-day 司法确认 notice are printed', async (id) => {
    const agreement = filled(id);
    const signatures = agreement.parties.map((p) => ({
      label: p.role === 'APPLICANT' ? '申请人' : '被申请人',
      name: p.name,
      png: strokePng(),
      date: '2026-03-02',
    }));
    const pdf = await renderAgreementPdf({
      agreement,
      signatures,
      mediator: { label: '人民调解员', name: '李瑞芳', png: strokePng(), date: '2026-03-02' },
      seal: strokePng(90, 90),
      date: '2026-03-02',
    });
    // A paragraph may run over a page break: the page footer (第 x 页 共 y 页) is not part of it.
    const text = squash(pdftotext(writePdf(pdf))).replace(/第\d+页共\d+页/g, '');
    const breach = agreement.clauses.find((c) => c.title === '违约责任')!;
    expect(text).toContain(squash(renderText(breach.text, breach.fields)));
    // The notice is the data file's text (agreement-templates/notices/agreement-notices.json).
    const inFile = (JSON.parse(readFileSync(AGREEMENT_NOTICES_FILE, 'utf8')) as { judicialConfirmation: { text: string } }).judicialConfirmation.text;
    expect(inFile).toMatch(/三十日内共同向人民法院申请司法确认/);
    expect(text).toContain(squash(inFile));
  });

  it('the 30-day notice is data a centre corrects without code: a corrected file is what the PDF prints; a broken one is refused naming the field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-notices-'));
    const corrected = '当事人可以自本协议生效之日起三十日内共同向有管辖权的基层人民法院申请司法确认（更正稿）。';
    const file = path.join(dir, 'agreement-notices.json');
    writeFileSync(file, JSON.stringify({ judicialConfirmation: { text: corrected, legalBasis: ['人民调解法第三十三条'] } }));
    const notices = loadAgreementNotices(file);
    const agreement = filled('general');
    const lines = agreementLines(agreement, notices).map((l) => l.text);
    expect(lines.at(-1)).toBe(corrected);
    expect(lines).not.toContain(AGREEMENT_NOTICES.judicialConfirmation.text);
    const pdf = await renderAgreementPdf({
      agreement,
      signatures: [],
      mediator: { label: '人民调解员', name: '李瑞芳', png: null, date: null },
      seal: null,
      date: null,
      notices,
    });
    const text = squash(pdftotext(writePdf(pdf))).replace(/第\d+页共\d+页/g, '');
    expect(text).toContain(squash(corrected));
    expect(text).not.toContain(squash(AGREEMENT_NOTICES.judicialConfirmation.text));
    // A fill-in has nothing to fill it, and a missing text would print nothing: both stop the start.
    writeFileSync(file, JSON.stringify({ judicialConfirmation: { text: '自{{effectiveDate}}起三十日内申请司法确认', legalBasis: ['RT 33'] } }));
    expect(() => loadAgreementNotices(file)).toThrow(/agreement-notices\.json: \/judicialConfirmation\/text/);
    writeFileSync(file, JSON.stringify({ judicialConfirmation: { legalBasis: ['RT 33'] } }));
    expect(() => loadAgreementNotices(file)).toThrow(/agreement-notices\.json: \/judicialConfirmation\/text/);
  });

  it('a natural person in the 司法部 format: 性别, 出生日期 read from the ID, 民族, ID number, 住所', () => {
    const agreement = filled('neighbour');
    agreement.parties[0]!.ethnicity = '蒙古族';
    const line = agreementLines(agreement)[0]!.text;
    // DEMO_CASES.neighbour's first party: ID digits 7–14 are 19780314.
    expect(DEMO_CASES.neighbour!.caseData.parties[0]!.idNumber!.slice(6, 14)).toBe('19780314');
    // The mask shows none of the digits a party types to confirm its identity (#17 item 11).
    expect(line).toMatch(/^申请人：刘某，男，1978年3月14日出生，蒙古族，身份证号码：1\*{17}，住所：/);
  });

  it('an organisation: 名称, 统一社会信用代码, 住所地, 法定代表人', () => {
    const line = agreementLines(filled('property-sale'))[0]!.text;
    expect(line).toMatch(/^申请人：包头市某房地产开发有限公司，统一社会信用代码：91150204MA0N3K7Q2R，住所地：.+，法定代表人（负责人）：赵某/);
  });
});

describe('确权 wording (解释 355)', () => {
  const withClause = (text: string) => {
    const s = structuredClone(filled('general'));
    s.clauses[0] = { ...s.clauses[0]!, text, fields: {} };
    return checkAgreement(s, { today: DEMO_TODAY }).filter((f) => f.code === 'OWNERSHIP_CONFIRMATION');
  };

  it('flags confirming ownership, with a specific finding and a way out', () => {
    for (const text of ['双方确认涉案房屋归甲方所有。', '甲乙双方同意对该车位确权。', '该商标的商标权归乙方所有。', '双方确认院内空地的使用权属于甲方。']) {
      const found = withClause(text);
      expect(found, text).toHaveLength(1);
      expect(found[0]!.severity).toBe('warning');
      expect(found[0]!.message).toContain('法院不予司法确认');
      expect(found[0]!.hint).toContain('协助办理登记');
    }
  });

  it('leaves agreed performance alone: paying, handing over, helping with the registration', () => {
    for (const text of [
      '甲方在收到上述全部款项之日起30日内，向乙方交付房屋并协助乙方办理不动产权属转移登记手续。',
      '乙方确认尚欠甲方借款本金人民币50,000.00元。',
      '乙方于2026年3月10日前向甲方一次性支付车辆修理费共计人民币1,200.00元。',
    ])
      expect(withClause(text), text).toEqual([]);
  });
});

describe('age from the ID number at the signing date', () => {
  it('counts full years; the 18th birthday itself is of age', () => {
    expect(ageOn('2008-12-07', '2026-12-06')).toBe(17);
    expect(ageOn('2008-12-06', '2026-12-06')).toBe(18);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('reads the birth date from the ID number', () => {
    const id = (first17: string) => first17 + 'X';
    expect(isMinorOn(id('15020420081207123'), '2026-12-06')).toBe(true);
    expect(isMinorOn(id('15020420081206123'), '2026-12-06')).toBe(false);
    expect(isMinorOn('not an id', '2026-12-06')).toBe(false);
  });
});
