// Money checks across the clauses: amounts without currency, 小写/大写 that disagree, payments
// with no amount, two totals for the same 赔偿/款项, and instalment schedules that do not add up.
// Each amount becomes a Statement (its subject, whether it is a total or an instalment, the
// parties named with it) so the cross-clause comparisons work on data, not on text.
import type { ClauseSnapshot, PartySnapshot } from './document-schema.ts';
import { placeholderKeys } from './fields.ts';
import { findAmounts, formatAmount, parseNumberToken, type AmountMention } from './money.ts';
import { finding, type Finding, type Where } from './checker-findings.ts';
import { VAGUE_AMOUNT_RE } from './checker-text.ts';

const PAYMENT_VERB_RE = /支付|赔偿|补偿|偿还|返还|给付|退还|缴纳|归还|付清|赔付/g;
const MONEY_NOUN_RE = /款|费|金|钱|息|损失/;
const RATE_RE = /万分之|百分之|千分之|%|％|‰|利率|LPR|标准|按照?.{0,12}计算/;
const INSTALMENT_RE = /分\s*([\d一二两三四五六七八九十]+)\s*期|第[一二三四五六七八九十\d]+期|首期/;
const INSTALMENT_MARK_RE = /第[一二三四五六七八九十\d]+期|首期|末期|最后一期/;
const TOTAL_MARK_RE = /共计|合计|总计|总额|总金额|累计|一次性|尚欠|欠付|结欠|全部/;
const PENALTY_SUBJECTS = new Set(['违约金', '滞纳金']);

const SUBJECT_WORDS: Array<[string, string]> = [
  ['剩余购房款', '剩余购房款'],
  ['剩余房款', '剩余购房款'],
  ['购房尾款', '剩余购房款'],
  ['尾款', '剩余购房款'],
  ['购房款', '购房款'],
  ['房屋价款', '购房款'],
  ['总价款', '购房款'],
  ['房款', '购房款'],
  ['违约金', '违约金'],
  ['滞纳金', '滞纳金'],
  ['物业服务费', '物业费'],
  ['物业费', '物业费'],
  ['借款本金', '借款本金'],
  ['本金', '借款本金'],
  ['借款', '借款本金'],
  ['欠款', '借款本金'],
  ['贷款', '借款本金'],
  ['利息', '利息'],
  ['罚息', '利息'],
  ['复利', '利息'],
  ['维修费用', '维修费'],
  ['维修费', '维修费'],
  ['修复费', '维修费'],
  ['赔偿款', '赔偿'],
  ['赔偿金', '赔偿'],
  ['补偿款', '赔偿'],
  ['补偿金', '赔偿'],
  ['损失', '赔偿'],
  ['赔偿', '赔偿'],
  ['补偿', '赔偿'],
];
const SUBJECT_RE = new RegExp(
  SUBJECT_WORDS.map(([w]) => w)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'g',
);
const SUBJECT_OF = new Map(SUBJECT_WORDS);

/** Text from the last separator before `index` up to it. */
function fragmentBefore(text: string, index: number, seps: RegExp): string {
  const head = text.slice(0, index);
  let cut = -1;
  for (let i = head.length - 1; i >= 0; i--) {
    if (seps.test(head[i]!)) {
      cut = i;
      break;
    }
  }
  return head.slice(cut + 1);
}
const COMMA_SEPS = /[，,；;。：:\n]/;
const SENTENCE_SEPS = /[；;。\n]/;

function sentenceAround(text: string, index: number): string {
  const before = fragmentBefore(text, index, SENTENCE_SEPS);
  const rest = text.slice(index);
  const m = /[；;。\n]/.exec(rest);
  return before + (m ? rest.slice(0, m.index) : rest);
}

interface Statement {
  clause: ClauseSnapshot;
  position: number;
  amount: AmountMention;
  subject: string | null;
  total: boolean;
  instalment: boolean;
  payees: string;
}

/** Amounts with their 大写 twin folded in: "8,600.00元（大写：捌仟陆佰元整）" counts once. */
function pairWords(text: string, amounts: AmountMention[]): { single: AmountMention[]; mismatches: Array<[AmountMention, AmountMention]> } {
  const single: AmountMention[] = [];
  const mismatches: Array<[AmountMention, AmountMention]> = [];
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i]!;
    const b = amounts[i + 1];
    if (b && b.words !== a.words && /^\s*[（(]\s*(?:大写|小写)?\s*[:：]?\s*(?:人民币)?\s*$/.test(text.slice(a.end, b.index))) {
      if (a.fen !== b.fen) mismatches.push([a, b]);
      single.push(a.words ? b : a);
      i++;
      continue;
    }
    single.push(a);
  }
  return { single, mismatches };
}

function subjectBefore(text: string, index: number): string | null {
  const frag = fragmentBefore(text, index, COMMA_SEPS);
  let subject: string | null = null;
  for (const m of frag.matchAll(SUBJECT_RE)) subject = SUBJECT_OF.get(m[0]) ?? null;
  return subject;
}

export function checkMoney(clauses: readonly ClauseSnapshot[], texts: string[], parties: readonly PartySnapshot[], label: (i: number) => string): Finding[] {
  const out: Finding[] = [];
  const statements: Statement[] = [];
  const names = parties.map((p) => p.name).filter((n) => n.length >= 2);
  clauses.forEach((clause, i) => {
    const text = texts[i]!;
    const where: Where = { section: 'clauses', clauseId: clause.id };
    const { single, mismatches } = pairWords(text, findAmounts(text));
    for (const [a, b] of mismatches) {
      out.push(finding('AMOUNT_WORDS_MISMATCH', where, `${label(i)}：“${a.raw}”与“${b.raw}”金额不一致`, '核对小写与大写金额，两者须完全一致。'));
    }
    for (const a of single.filter((x) => !x.currency)) {
      out.push(finding('AMOUNT_NO_CURRENCY', where, `${label(i)}：“${a.raw}”没有写明币种和单位`, '写成“人民币5,000.00元”。'));
    }
    // An amount fill-in field already covers it (FIELD_UNFILLED / FIELD_INVALID when empty or wrong).
    const hasAmountField = placeholderKeys(clause.text).some((k) => clause.fields[k]?.type === 'amount');
    if (single.length === 0 && !hasAmountField && !VAGUE_AMOUNT_RE.test(text)) {
      for (const m of text.matchAll(PAYMENT_VERB_RE)) {
        const after = text.slice(m.index + m[0].length).split(COMMA_SEPS)[0] ?? '';
        if (MONEY_NOUN_RE.test(after) && !RATE_RE.test(sentenceAround(text, m.index))) {
          out.push(
            finding(
              'AMOUNT_MISSING',
              where,
              `${label(i)}：约定了“${m[0]}${after.slice(0, 12)}”，但没有写明金额`,
              '写明给付的具体金额，或写明计算方法（如按每日万分之五计算）。',
            ),
          );
          break;
        }
      }
    }
    const instalmentClause = INSTALMENT_RE.test(text);
    for (const a of single) {
      const sentence = sentenceAround(text, a.index);
      statements.push({
        clause,
        position: i,
        amount: a,
        subject: subjectBefore(text, a.index),
        total: TOTAL_MARK_RE.test(fragmentBefore(text, a.index, COMMA_SEPS)),
        instalment: instalmentClause && INSTALMENT_MARK_RE.test(fragmentBefore(text, a.index, COMMA_SEPS)),
        payees: names
          .filter((n) => sentence.includes(n))
          .sort()
          .join('、'),
      });
    }
  });

  // Two totals for the same subject (and the same parties named) that differ.
  const totals = statements.filter((s) => s.total && s.subject !== null);
  const reported = new Set<string>();
  for (let j = 0; j < totals.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = totals[i]!;
      const b = totals[j]!;
      if (a.subject !== b.subject || a.payees !== b.payees || a.amount.fen === b.amount.fen) continue;
      const key = `${a.clause.id}|${b.clause.id}|${a.subject}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const same = a.clause.id === b.clause.id;
      out.push(
        finding(
          'TOTAL_CONFLICT',
          { section: 'clauses', clauseId: b.clause.id },
          same
            ? `${label(b.position)}：${a.subject}总额前后不一致（${formatAmount(a.amount.fen)}与${formatAmount(b.amount.fen)}）`
            : `${label(b.position)}写明的${a.subject}总额${formatAmount(b.amount.fen)}与${label(a.position)}的${formatAmount(a.amount.fen)}不一致`,
          '同一款项的总额在各条款中应一致；如有减免，请写明减免后的金额和减免部分。',
        ),
      );
    }
  }

  // Instalments that do not add up to the total of their clause, or do not match 分N期.
  clauses.forEach((clause, i) => {
    const text = texts[i]!;
    const m = INSTALMENT_RE.exec(text);
    if (!m) return;
    const mine = statements.filter((s) => s.clause === clause);
    const parts = mine.filter((s) => s.instalment && !s.total && !PENALTY_SUBJECTS.has(s.subject ?? ''));
    const total = mine.find((s) => s.total);
    const where: Where = { section: 'clauses', clauseId: clause.id };
    if (total && parts.length >= 2) {
      const sum = parts.reduce((acc, s) => acc + s.amount.fen, 0);
      if (sum !== total.amount.fen) {
        out.push(
          finding(
            'INSTALMENT_SUM_MISMATCH',
            where,
            `${label(i)}：各期金额合计${formatAmount(sum)}，与总额${formatAmount(total.amount.fen)}相差${formatAmount(Math.abs(sum - total.amount.fen))}`,
            '调整各期金额，使其合计等于总额。',
          ),
        );
      }
    }
    const count = m[1] !== undefined ? parseNumberToken(m[1]) : null;
    if (count !== null && parts.length > 0 && count !== parts.length) {
      out.push(finding('INSTALMENT_COUNT_MISMATCH', where, `${label(i)}：约定分${count}期，但列明了${parts.length}期`, '使期数与列明的各期一致。'));
    }
  });
  return out;
}
