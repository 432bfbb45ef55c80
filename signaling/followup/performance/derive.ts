// 履行 (#16 item 1): a first schedule drawn from the signed agreement's locked text — one obligation
// per payment (each instalment, each month of a recurring fee) or act, with who owes it to whom, the
// amount and the last day. It is a proposal: the mediator reviews and corrects it on the case page and
// confirms it before anything is reminded or counted (a regex is not trusted blindly). What could
// not be read is left null and named in `review`, so the page asks for exactly that.
//
// How a clause is read: typed fields stay typed — a `date` or `amount` field is a marker in the text,
// its value is the stored normalised one ("2027-04-30", "25000.00"), never re-parsed from words; text
// fields are put in as written (`{{obligor}}` → 乙方). The clause is split into sentences (；。：), and a
// sentence with a deadline (于{{date}}前, 签订之日起N日内, 每月N日前 between two dates) is one obligation
// — a payment when it names an amount, an act otherwise. Conditional sentences (违约, 如再次…) are not
// obligations of the schedule. Sides come from the wording: the subject before 于/应于/分/负责 is the
// obligor, the side after 向/赔偿/告知… the obligee; a sentence without a side takes its clause's.
// Pure: runs in the browser too.
import { addToDate, findDates, formatDateCn, parseDeadline, resolveDate } from '../../agreement/dates.ts';
import type { AgreementSnapshot, ClauseSnapshot } from '../../agreement/document-schema.ts';
import { formatAmount, parseNumberToken } from '../../agreement/money.ts';
import type { ObligationKind, ObligationSide } from '../../domain/performance-status.ts';

export interface DerivedObligation {
  /** The clause it comes from; null: the 履行 section. */
  clauseId: string | null;
  kind: ObligationKind;
  description: string;
  /** null: the wording does not say; the mediator picks. */
  obligorSide: ObligationSide | null;
  obligeeSide: ObligationSide | null;
  amountFen: number | null;
  /** The last day, YYYY-MM-DD; null when it cannot be read. */
  dueDate: string | null;
  /** What the mediator must check or supply (Chinese), empty when the reading is plain. */
  review: string[];
}

const SIDE_OF: Record<string, ObligationSide> = { 甲方: 'A', 乙方: 'B' };
const other = (s: ObligationSide): ObligationSide => (s === 'A' ? 'B' : 'A');

/** A typed field kept as a marker: ⟦key⟧. */
const MARK_RE = /⟦([a-zA-Z][a-zA-Z0-9_]*)⟧/g;
const PLACEHOLDER_RE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;
const SENTENCE_SPLIT = /[；;。：:]/;
/** Conditional wording: a remedy if something goes wrong, not a duty of the schedule. */
const CONDITIONAL_RE = /未按|未能|如再次|如因|如果|若|否则|逾期之日|每逾期|逾期一日/;
const OBLIGOR_RE = /(甲方|乙方)(?=\s*(?:应当|应|须|需|自行)?\s*(?:于|在|分|负责|一次性|按期|当面))/;
const OBLIGEE_RE = /(?:向|赔偿|给付|支付给|交付给|交给|退还|告知|返还)(甲方|乙方)/;
const MONTHLY_RE = /每月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]\s*(?:之前|以前|前)/;
const PERIOD_RE = /自\s*⟦([a-zA-Z0-9_]+)⟧\s*起\s*至\s*⟦([a-zA-Z0-9_]+)⟧\s*止/;
const DEPENDENT_RE = /之日起\s*(\d+|[一二两三四五六七八九十]+)\s*(?:日|天)\s*(?:之内|以内|内)/;
/** At most this many monthly obligations from one recurring clause. */
const MAX_MONTHLY = 60;

interface Reading {
  marked: string;
  values: Record<string, { type: string; value: string | null; label: string }>;
}

function markClause(c: ClauseSnapshot): Reading {
  const marked = c.text.replace(PLACEHOLDER_RE, (_m, key: string) => {
    const f = c.fields[key];
    if (!f) return '';
    if (f.type === 'date' || f.type === 'amount') return `⟦${key}⟧`;
    return f.value ?? `【${f.label}】`;
  });
  return { marked, values: c.fields };
}

function render(sentence: string, r: Reading): string {
  return sentence
    .replace(MARK_RE, (_m, key: string) => {
      const f = r.values[key];
      if (!f?.value) return `【${f?.label ?? key}】`;
      return f.type === 'date' ? formatDateCn(f.value) : formatAmount(toFen(f.value));
    })
    .trim();
}

function toFen(value: string): number {
  return Math.round(Number(value) * 100);
}

function sidesOf(text: string): { obligor: ObligationSide | null; obligee: ObligationSide | null } {
  const subject = OBLIGOR_RE.exec(text)?.[1];
  const object = OBLIGEE_RE.exec(text)?.[1];
  const obligor = subject ? SIDE_OF[subject]! : null;
  let obligee = object ? SIDE_OF[object]! : null;
  if (obligor && (!obligee || obligee === obligor)) obligee = other(obligor);
  return { obligor, obligee: obligee ?? (obligor ? other(obligor) : null) };
}

/** The amount fields of a sentence (the last one is what the sentence pays: …共计人民币{{total}}). */
function amountsIn(sentence: string, r: Reading): Array<{ key: string; value: string | null }> {
  return [...sentence.matchAll(MARK_RE)].map((m) => m[1]!).flatMap((key) => (r.values[key]?.type === 'amount' ? [{ key, value: r.values[key].value }] : []));
}

/** The deadline dates of a sentence: 于{{date}} (其前) — a date field after 于/在, not a period's bounds. */
function deadlineKeys(sentence: string, r: Reading): string[] {
  return [...sentence.matchAll(/(?:于|在)\s*⟦([a-zA-Z][a-zA-Z0-9_]*)⟧/g)].map((m) => m[1]!).filter((k) => r.values[k]?.type === 'date');
}

function monthly(sentence: string, r: Reading, signingDate: string): Array<{ due: string; month: string }> | null {
  const day = MONTHLY_RE.exec(sentence);
  const period = PERIOD_RE.exec(sentence);
  if (!day || !period) return null;
  const from = r.values[period[1]!]?.value;
  const to = r.values[period[2]!]?.value;
  const n = parseNumberToken(day[1]!);
  if (!from || !to || n === null || n < 1 || n > 28) return [];
  const out: Array<{ due: string; month: string }> = [];
  let month = `${from.slice(0, 7)}-01`;
  while (month <= to && out.length < MAX_MONTHLY) {
    const due = `${month.slice(0, 8)}${String(n).padStart(2, '0')}`;
    if (due >= signingDate && due >= from && due <= to) out.push({ due, month: month.slice(0, 7) });
    month = addToDate(month, 1, 'month');
  }
  return out;
}

/** The schedule the agreement's text suggests, in clause order. `signingDate`: the day it was signed (relative deadlines count from it). */
export function deriveSchedule(s: AgreementSnapshot, signingDate: string): DerivedObligation[] {
  const out: DerivedObligation[] = [];
  for (const c of s.clauses) {
    const r = markClause(c);
    const clauseSides = sidesOf(r.marked.split(CONDITIONAL_RE)[0] ?? '');
    for (const raw of r.marked.split(SENTENCE_SPLIT)) {
      const sentence = raw.trim();
      if (!sentence || CONDITIONAL_RE.test(sentence)) continue;
      const own = sidesOf(sentence);
      const obligorSide = own.obligor ?? clauseSides.obligor;
      const obligeeSide = own.obligor ? own.obligee : clauseSides.obligee;
      const amounts = amountsIn(sentence, r);
      const amount = amounts.at(-1) ?? null;
      const kind: ObligationKind = amount ? 'PAYMENT' : 'ACT';
      const base = (description: string, dueDate: string | null, review: string[]): DerivedObligation => {
        const notes = [...review];
        if (!obligorSide || !obligeeSide) notes.push('条文未写明义务人或权利人，请选择');
        if (amount && !amount.value) notes.push('金额未填写，请补充');
        return {
          clauseId: c.id,
          kind,
          description: `${c.title}：${description}`,
          obligorSide,
          obligeeSide,
          amountFen: amount?.value ? toFen(amount.value) : null,
          dueDate,
          review: notes,
        };
      };

      const months = monthly(sentence, r, signingDate);
      if (months) {
        if (months.length === 0) out.push(base(render(sentence, r), null, ['按月履行的起止日期或每月期限无法读出，请逐期录入']));
        for (const m of months) out.push(base(`${m.month.slice(0, 4)}年${Number(m.month.slice(5, 7))}月，${render(sentence, r)}`, m.due, []));
        continue;
      }
      const dateKeys = deadlineKeys(sentence, r);
      if (dateKeys.length > 0) {
        const value = r.values[dateKeys.at(-1)!]!.value;
        out.push(base(render(sentence, r), value, value ? [] : ['期限未填写，请补充']));
        continue;
      }
      const relative = findDates(render(sentence, r)).find((d) => d.deadline && d.parsed?.kind === 'relative');
      if (relative?.parsed) {
        out.push(base(render(sentence, r), resolveDate(relative.parsed, signingDate), []));
        continue;
      }
      const dependent = DEPENDENT_RE.exec(sentence);
      if (dependent) {
        const days = parseNumberToken(dependent[1]!);
        const latest = out
          .map((o) => o.dueDate)
          .filter((d): d is string => d !== null)
          .sort()
          .at(-1);
        const due = latest && days ? addToDate(latest, days, 'day') : null;
        out.push(base(render(sentence, r), due, ['期限从另一事项完成之日起计算，已按此前最后一项义务的期限估算，请核对']));
      }
    }
  }
  if (out.length === 0 && s.performance.deadline) {
    const parsed = parseDeadline(s.performance.deadline);
    const due = parsed ? resolveDate(parsed, signingDate) : null;
    out.push({
      clauseId: null,
      kind: 'ACT',
      description: `按协议约定履行${s.performance.method ? `（${s.performance.method}）` : ''}`,
      obligorSide: null,
      obligeeSide: null,
      amountFen: null,
      dueDate: due,
      review: ['协议条款中未读出具体义务，已按“履行期限”录入一项，请核对义务人、权利人和内容'],
    });
  }
  return out;
}
