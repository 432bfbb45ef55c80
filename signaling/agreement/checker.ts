// Completeness checker for a 调解协议书, shown live next to the editor. Pure: snapshot in,
// findings out. Every finding has a stable code from FINDING_CODES (documented as a table in
// README.md); the severity belongs to the code.
//
// What it looks for:
//  - 人民调解法 art. 29 content: parties' particulars; facts, matters in dispute and liability;
//    agreed terms with the manner, place and time limit of performance;
//  - fill-ins left empty or invalid, and blanks such as ____ or 【】 in the text;
//  - vague money (若干, no amount, no currency) and 小写/大写 amounts that disagree;
//  - contradictions that can be detected: two totals for the same 赔偿/款项, an instalment
//    schedule that does not add up, a deadline before signing or after the performance deadline;
//  - matters for which 电子签名法 art. 3 excludes electronic documents (婚姻、收养、继承等人身关系;
//    停止供水、供热、供气等公用事业服务), so the mediator knows paper signing is needed.
//
// Each rule family lives in its own module (checker-parties, checker-text, checker-money,
// checker-performance, checker-paper-signing); this entry runs them in document order and is the
// checker's public API.
import { todayInChina } from './dates.ts';
import { SECTION_LABELS, type AgreementSnapshot } from './document-schema.ts';
import { finding, type Finding, type Where } from './checker-findings.ts';
import { checkMoney } from './checker-money.ts';
import { checkSigningMatters, PAPER_SIGNING_CODES, paperSigningMatterIn } from './checker-paper-signing.ts';
import { checkDeadlines, checkPerformance } from './checker-performance.ts';
import { checkParties } from './checker-parties.ts';
import { analysisText, checkFillIns, checkWording } from './checker-text.ts';

export { FINDING_CODES, FINDING_CODE_KEYS, type Finding, type FindingCode, type FindingSection, type Severity } from './checker-findings.ts';
export { electronicSigningAllowed, PAPER_SIGNING_CODES } from './checker-paper-signing.ts';
export { checkParties };

export interface CheckOptions {
  /** Today (YYYY-MM-DD, China time); deadlines are measured from meta.signingDate, else today. */
  today?: string;
}

/** All findings for an agreement, in document order. */
export function checkAgreement(s: AgreementSnapshot, opts: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  const signing = s.meta.signingDate ?? opts.today ?? todayInChina();
  if (!s.meta.caseNumber.trim())
    out.push(finding('CASE_NUMBER_MISSING', { section: 'meta', field: 'caseNumber' }, '协议书没有编号', '使用案件编号，如“青山调〔2026〕第12号”。'));
  out.push(...checkParties(s.parties));

  const missingCode = { facts: 'FACTS_MISSING', issues: 'ISSUES_MISSING', liability: 'LIABILITY_MISSING' } as const;
  const missingHint = {
    facts: '简要写明纠纷发生的时间、地点、经过和后果。',
    issues: '写明双方争议的焦点，如“赔偿金额”“维修责任”。',
    liability: '写明经调解各方认可的责任，如“乙方对漏水造成的损失承担全部责任”。',
  };
  let paperInFacts: string | null = null;
  for (const key of ['facts', 'issues', 'liability'] as const) {
    const b = s.sections[key];
    const label = SECTION_LABELS[key];
    const where: Where = { section: key };
    const rendered = analysisText(b);
    if (!rendered.trim()) {
      out.push(finding(missingCode[key], where, `${label}未填写`, missingHint[key]));
      continue;
    }
    out.push(...checkFillIns(b, where, label));
    const wording = checkWording(rendered, where, label).filter((f) => f.code === 'DATE_INVALID');
    out.push(...wording);
    if (key === 'facts') {
      paperInFacts = paperSigningMatterIn(rendered);
    } else {
      out.push(...checkSigningMatters(rendered, where, label));
    }
  }

  const label = (i: number) => `第${i + 1}条`;
  const texts = s.clauses.map(analysisText);
  if (!texts.some((t) => t.trim())) {
    out.push(finding('CLAUSES_MISSING', { section: 'clauses' }, '没有协议内容', '至少写明一条双方达成的协议内容，可从条款库中选用。'));
  }
  s.clauses.forEach((c, i) => {
    const where: Where = { section: 'clauses', clauseId: c.id };
    if (!texts[i]!.trim()) {
      if (texts.some((t) => t.trim())) out.push(finding('CLAUSE_EMPTY', where, `${label(i)}正文为空`, '填写条款内容或删除该条。'));
      return;
    }
    out.push(...checkFillIns(c, where, label(i)), ...checkWording(texts[i]!, where, label(i)), ...checkSigningMatters(texts[i]!, where, label(i)));
  });
  out.push(...checkMoney(s.clauses, texts, s.parties, label));
  out.push(...checkDeadlines(s, texts, signing, label));
  out.push(...checkPerformance(s));

  const paperAlready = out.some((f) => PAPER_SIGNING_CODES.includes(f.code));
  if (paperInFacts && !paperAlready) {
    out.push(
      finding(
        'PAPER_SIGNING_POSSIBLE',
        { section: 'facts' },
        `纠纷事实中提及“${paperInFacts}”`,
        '如协议内容涉及婚姻、收养、继承等人身关系或停止供水、供热、供气等公用事业服务，不能电子签署，须纸质签署。',
      ),
    );
  }
  return out;
}
