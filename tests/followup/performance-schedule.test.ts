// 履行: the schedule drawn from a signed agreement's text, for every shipped agreement template
// (the filled demo agreements) and the optional clauses that change it (instalments, acts, relative
// deadlines), plus the readings the mediator must complete. Pure: no server.
import { describe, expect, it } from 'vitest';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { addClauseFromTemplate, setFieldValue } from '../../signaling/agreement/editing.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';
import { chinaDay, chinaDayStart, performanceStatus } from '../../signaling/domain/performance-status.ts';
import { deriveSchedule, type DerivedObligation } from '../../signaling/followup/performance/derive.ts';
import { loadRemedies, renderRemedies } from '../../signaling/followup/performance/remedies.ts';
import { demoAgreementDoc, DEMO_SIGNING_DATE } from '../fixtures/demo-cases.ts';

const catalog = loadBuiltinTemplates();

/** kind, obligor→obligee, amount in 分, due day — what a schedule is about. */
const brief = (o: DerivedObligation) => [o.kind, `${o.obligorSide}→${o.obligeeSide}`, o.amountFen, o.dueDate];
const schedule = (templateId: string, edit?: (doc: ReturnType<typeof demoAgreementDoc>) => void) => {
  const doc = demoAgreementDoc(catalog, templateId);
  edit?.(doc);
  return deriveSchedule(readAgreement(doc), DEMO_SIGNING_DATE);
};

describe('schedule from each template', () => {
  it('every shipped agreement template has a demo agreement here', () => {
    const ids = catalog.agreements().map((t) => t.id);
    expect(ids.sort()).toEqual(['financial-loan', 'general', 'neighbour', 'private-loan', 'property-sale', 'property-service']);
  });

  it('邻里 (neighbour): the repair is an act, each household’s compensation a payment of its own', () => {
    const s = schedule('neighbour');
    expect(s.map(brief)).toEqual([
      ['ACT', 'B→A', null, '2026-03-10'],
      ['PAYMENT', 'B→A', 860000, '2026-03-15'],
      ['PAYMENT', 'B→A', 320000, '2026-03-15'],
    ]);
    expect(s[1]!.description).toContain('刘某');
    expect(s[2]!.description).toContain('陈某');
    // 再次漏水 and 违约责任 are conditional: no obligation of the schedule.
    expect(s.some((o) => /再次|违约/.test(o.description))).toBe(false);
    expect(s.every((o) => o.review.length === 0)).toBe(true);
  });

  it('房屋买卖: the rest of the price and the reduced penalty; 交付 counted from full payment is estimated and flagged', () => {
    const s = schedule('property-sale');
    expect(s.map(brief)).toEqual([
      ['PAYMENT', 'B→A', 26_000_000, '2026-03-31'],
      ['PAYMENT', 'B→A', 800_000, '2026-03-31'],
      ['ACT', 'A→B', null, '2026-04-30'],
    ]);
    expect(s[2]!.review).toEqual([expect.stringContaining('请核对')]);
  });

  it('金融借款: each instalment separately (the total is not an obligation of its own)', () => {
    expect(schedule('financial-loan').map(brief)).toEqual([
      ['PAYMENT', 'B→A', 2_000_000, '2026-03-31'],
      ['PAYMENT', 'B→A', 2_000_000, '2026-04-30'],
      ['PAYMENT', 'B→A', 2_036_050, '2026-05-31'],
    ]);
  });

  it('物业服务: arrears, the service company’s rectification (A owes B), one obligation per month of future fees from signing on', () => {
    const s = schedule('property-service');
    expect(s.slice(0, 2).map(brief)).toEqual([
      ['PAYMENT', 'B→A', 283_968, '2026-03-20'],
      ['ACT', 'A→B', null, '2026-03-31'],
    ]);
    const months = s.slice(2);
    // 2026-01-01 … 2026-12-31, due the 10th: January and February lie before signing (2026-03-02).
    expect(months.map((o) => o.dueDate)).toEqual(['03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2026-${m}-10`));
    expect(months.every((o) => o.amountFen === 11_832 && o.obligorSide === 'B' && o.obligeeSide === 'A')).toBe(true);
    expect(months[0]!.description).toMatch(/^今后缴费：2026年3月/);
  });

  it('民间借贷: principal and interest; with 分期还款 instead, each instalment', () => {
    expect(schedule('private-loan').map(brief)).toEqual([
      ['PAYMENT', 'B→A', 5_000_000, '2026-04-30'],
      ['PAYMENT', 'B→A', 150_000, '2026-04-30'],
    ]);
    const withInstalments = schedule('private-loan', (doc) => {
      addClauseFromTemplate(
        doc,
        catalog.agreement('private-loan'),
        'instalments',
        {
          values: {
            'instalments.count': '2',
            'instalments.total': '50000',
            'instalments.date1': '2026-03-31',
            'instalments.amount1': '2.5万元',
            'instalments.date2': '2026-04-30',
            'instalments.amount2': '25000',
          },
        },
        'test',
      );
    });
    expect(withInstalments.map(brief)).toEqual([
      ['PAYMENT', 'B→A', 5_000_000, '2026-04-30'],
      ['PAYMENT', 'B→A', 150_000, '2026-04-30'],
      ['PAYMENT', 'B→A', 2_500_000, '2026-03-31'],
      ['PAYMENT', 'B→A', 2_500_000, '2026-04-30'],
    ]);
  });

  it('一般纠纷: the payment; an act whose obligor is a text field; an apology within N days of signing', () => {
    const s = schedule('general', (doc) => {
      const t = catalog.agreement('general');
      addClauseFromTemplate(
        doc,
        t,
        'action',
        { values: { 'action.obligor': '甲方', 'action.actDeadline': '2026-03-20', 'action.action': '将停放的车辆移出消防通道' } },
        'test',
      );
      addClauseFromTemplate(doc, t, 'apology', { values: { 'apology.days': '3' } }, 'test');
    });
    expect(s.map(brief)).toEqual([
      ['PAYMENT', 'B→A', 120_000, '2026-03-10'],
      ['ACT', 'A→B', null, '2026-03-20'],
      ['ACT', 'B→A', null, '2026-03-05'],
    ]);
  });
});

describe('what the mediator must complete', () => {
  it('an unfilled deadline and a clause naming no side are left open and say so', () => {
    const doc = demoAgreementDoc(catalog, 'general');
    const a = readAgreement(doc);
    const payment = a.clauses.find((c) => c.templateKey === 'payment')!;
    setFieldValue(doc, { clauseId: payment.id }, 'payDeadline', null, 'test');
    const t = catalog.agreement('general');
    addClauseFromTemplate(
      doc,
      t,
      'action',
      { values: { 'action.obligor': '物业公司', 'action.actDeadline': '2026-03-20', 'action.action': '修复路灯' } },
      'test',
    );
    const s = deriveSchedule(readAgreement(doc), DEMO_SIGNING_DATE);
    expect(s[0]).toMatchObject({ kind: 'PAYMENT', amountFen: 120_000, dueDate: null, review: ['期限未填写，请补充'] });
    expect(s[1]).toMatchObject({ kind: 'ACT', obligorSide: null, obligeeSide: null, dueDate: '2026-03-20' });
    expect(s[1]!.review).toEqual(['条文未写明义务人或权利人，请选择']);
  });

  it('no duty readable in the clauses: one item from the 履行期限, flagged', () => {
    const doc = demoAgreementDoc(catalog, 'general');
    const a = readAgreement(doc);
    const s = deriveSchedule({ ...a, clauses: a.clauses.filter((c) => c.templateKey === 'settlement') }, DEMO_SIGNING_DATE);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ clauseId: null, kind: 'ACT', dueDate: '2026-03-10', obligorSide: null });
    expect(s[0]!.review[0]).toContain('请核对');
  });
});

describe('status and remedies', () => {
  const due = chinaDayStart('2027-03-31');
  const o = { kind: 'PAYMENT', amountFen: 2_000_000, receivedFen: 0, dueDate: due, performedAt: null };

  it('due on the day itself, overdue from the next China day, partial before, overdue if still partial after', () => {
    expect(chinaDay(due)).toBe('2027-03-31');
    expect(performanceStatus(o, new Date('2027-03-31T15:59:59Z'))).toBe('NOT_DUE'); // 23:59:59 in China
    expect(performanceStatus(o, new Date('2027-03-31T16:00:00Z'))).toBe('OVERDUE');
    expect(performanceStatus({ ...o, receivedFen: 500_000 }, new Date('2027-03-20T00:00:00Z'))).toBe('PARTIAL');
    expect(performanceStatus({ ...o, receivedFen: 500_000 }, new Date('2027-04-02T00:00:00Z'))).toBe('OVERDUE');
    expect(performanceStatus({ ...o, receivedFen: 2_000_000 }, new Date('2027-04-02T00:00:00Z'))).toBe('PERFORMED');
    expect(performanceStatus({ ...o, kind: 'ACT', amountFen: null, performedAt: new Date() }, new Date('2027-04-02T00:00:00Z'))).toBe('PERFORMED');
  });

  it('the remedies file reads, and names the court: enforcement when confirmed, a lawsuit otherwise', () => {
    expect(loadRemedies().version).toBeGreaterThanOrEqual(1);
    const confirmed = renderRemedies({
      confirmed: true,
      court: '包头市青山区人民法院',
      courtCaseNumber: '（2027）内0204民特3号',
      obligor: '乙方（王某）',
      missing: '第1项 20,000.00元',
    });
    expect(confirmed.title).toContain('申请强制执行');
    expect(confirmed.paragraphs.join('')).toContain('向包头市青山区人民法院申请强制执行');
    expect(confirmed.paragraphs.join('')).toContain('（2027）内0204民特3号');
    expect(confirmed.paragraphs.join('')).not.toMatch(/\{[a-zA-Z]+\}/);
    const not = renderRemedies({
      confirmed: false,
      court: '包头市青山区人民法院',
      courtCaseNumber: null,
      obligor: '乙方（王某）',
      missing: '第1项 20,000.00元',
    });
    expect(not.paragraphs.join('')).toContain('提起诉讼');
    expect(not.paragraphs.join('')).not.toContain('向包头市青山区人民法院申请强制执行');
    expect(not.paragraphs.join('')).not.toMatch(/\{[a-zA-Z]+\}/);
  });
});
