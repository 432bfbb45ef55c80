// 履行: the performance items 人民调解法 art. 29 asks for (manner, place, time limit; the payee's
// account when paying by transfer), and every deadline measured against the signing date and
// against the 履行期限.
import { findDates, parseDeadline, relativeDays, resolveDate, formatDateCn, type DateMention, type ParsedDate } from './dates.ts';
import { PERFORMANCE_LABELS, type AgreementSnapshot } from './document-schema.ts';
import { finding, type Finding, type Where } from './checker-findings.ts';
import { BLANK_MARK_RE, checkWording } from './checker-text.ts';

const TRANSFER_RE = /转账|汇款|打款|汇入|转入|银行|账户|微信|支付宝/;

function compareDeadline(p: ParsedDate, q: ParsedDate, signing: string): number | null {
  const a = resolveDate(p, signing);
  const b = resolveDate(q, signing);
  if (a && b) return a < b ? -1 : a > b ? 1 : 0;
  const da = relativeDays(p);
  const db = relativeDays(q);
  return da !== null && db !== null ? da - db : null;
}

function describe(d: DateMention | string, p: ParsedDate, signing: string): string {
  const raw = typeof d === 'string' ? d : d.raw;
  const resolved = resolveDate(p, signing);
  return p.kind === 'relative' && resolved ? `${raw}（即${formatDateCn(resolved)}）` : raw;
}

export function checkDeadlines(s: AgreementSnapshot, texts: string[], signing: string, label: (i: number) => string): Finding[] {
  const out: Finding[] = [];
  const perfText = s.performance.deadline ?? '';
  const perf = perfText ? parseDeadline(perfText) : null;
  const signingWords = s.meta.signingDate ? `协议签订日期${formatDateCn(signing)}` : `今天（${formatDateCn(signing)}）`;
  s.clauses.forEach((c, i) => {
    const where: Where = { section: 'clauses', clauseId: c.id };
    for (const d of findDates(texts[i]!)) {
      if (!d.deadline || !d.parsed) continue;
      const at = resolveDate(d.parsed, signing);
      if (at && at < signing) {
        out.push(finding('DEADLINE_BEFORE_SIGNING', where, `${label(i)}：期限“${d.raw}”早于${signingWords}`, '履行期限应在协议签订之后，请改为签订后的日期。'));
      } else if (perf) {
        const cmp = compareDeadline(d.parsed, perf, signing);
        if (cmp !== null && cmp > 0) {
          out.push(
            finding(
              'DEADLINE_AFTER_PERFORMANCE',
              where,
              `${label(i)}：期限“${describe(d, d.parsed, signing)}”晚于履行期限“${describe(perfText, perf, signing)}”`,
              '履行期限应涵盖各条款约定的最后期限；请调整其中之一。',
            ),
          );
        }
      }
    }
  });
  if (perf) {
    const at = resolveDate(perf, signing);
    if (at && at < signing) {
      out.push(
        finding(
          'DEADLINE_BEFORE_SIGNING',
          { section: 'performance', field: 'deadline' },
          `履行期限“${perfText}”早于${signingWords}`,
          '履行期限应在协议签订之后。',
        ),
      );
    }
  }
  return out;
}

export function checkPerformance(s: AgreementSnapshot): Finding[] {
  const out: Finding[] = [];
  const p = s.performance;
  const at = (field: keyof typeof PERFORMANCE_LABELS): Where => ({ section: 'performance', field });
  if (!p.method) out.push(finding('PERFORMANCE_METHOD_MISSING', at('method'), '履行方式未填写', '写明如何履行，如“银行转账”“现金当面交付”“上门维修”。'));
  if (!p.deadline) out.push(finding('PERFORMANCE_DEADLINE_MISSING', at('deadline'), '履行期限未填写', '写明具体日期，或“本协议签订之日起十五日内”。'));
  if (!p.place) out.push(finding('PERFORMANCE_PLACE_MISSING', at('place'), '履行地点未填写', '写明履行地点，如“甲方住所”或“甲方指定的银行账户”。'));
  for (const key of ['method', 'place', 'deadline', 'account'] as const) {
    const v = p[key];
    if (!v) continue;
    const label = PERFORMANCE_LABELS[key];
    const blank = BLANK_MARK_RE.exec(v);
    if (blank) out.push(finding('TEXT_PLACEHOLDER', at(key), `${label}中留有空白“${blank[0]}”`, '把空白处补充完整。'));
    out.push(...checkWording(v, at(key), label).filter((f) => f.code !== 'AMOUNT_VAGUE'));
  }
  const accountInClauses = s.clauses.some((c) => Object.values(c.fields).some((f) => f.type === 'bankAccount' && f.value));
  if (p.method && TRANSFER_RE.test(p.method) && !p.account && !accountInClauses) {
    out.push(finding('PAYEE_ACCOUNT_MISSING', at('account'), '以转账方式付款，但未写明收款账户', '写明户名、开户行和账号，避免款项付错。'));
  }
  return out;
}
