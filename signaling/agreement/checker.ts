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
import { findDates, parseDeadline, relativeDays, resolveDate, todayInChina, formatDateCn, type DateMention, type ParsedDate } from './dates.ts';
import {
  PERFORMANCE_LABELS,
  SECTION_LABELS,
  type AgreementSnapshot,
  type BlockSnapshot,
  type ClauseSnapshot,
  type PartySnapshot,
  type SectionKey,
} from './document.ts';
import { formatFieldValue, normalizeFieldValue, placeholderKeys, stripPlaceholders, type FieldValue } from './fields.ts';
import { findAmounts, formatAmount, parseNumberToken, type AmountMention } from './money.ts';

export type Severity = 'error' | 'warning' | 'info';

/** Every finding code, its fixed severity and what it means. Codes are stable: clients key on them. */
export const FINDING_CODES = {
  CASE_NUMBER_MISSING: { severity: 'warning', summary: '协议书没有编号' },
  PARTIES_TOO_FEW: { severity: 'error', summary: '当事人不足：甲乙双方至少各一人' },
  PARTY_NAME_MISSING: { severity: 'error', summary: '当事人姓名（名称）未填写' },
  PARTY_ID_MISSING: { severity: 'error', summary: '自然人缺身份证号码，或单位缺统一社会信用代码' },
  PARTY_ADDRESS_MISSING: { severity: 'error', summary: '当事人住所未填写' },
  PARTY_REPRESENTATIVE_MISSING: { severity: 'error', summary: '单位当事人缺法定代表人（负责人）' },
  PARTY_PHONE_MISSING: { severity: 'warning', summary: '当事人联系电话未填写' },
  FACTS_MISSING: { severity: 'error', summary: '缺纠纷主要事实（人民调解法第二十九条）' },
  ISSUES_MISSING: { severity: 'error', summary: '缺争议事项（人民调解法第二十九条）' },
  LIABILITY_MISSING: { severity: 'warning', summary: '未写明各方当事人的责任' },
  CLAUSES_MISSING: { severity: 'error', summary: '没有协议内容条款' },
  CLAUSE_EMPTY: { severity: 'warning', summary: '条款正文为空' },
  FIELD_UNFILLED: { severity: 'error', summary: '模板填写项未填写' },
  FIELD_INVALID: { severity: 'error', summary: '填写项的值不符合类型（金额、日期、账号等）' },
  PLACEHOLDER_UNKNOWN: { severity: 'error', summary: '正文中的 {{…}} 没有对应的填写项' },
  TEXT_PLACEHOLDER: { severity: 'error', summary: '正文中留有空白标记（____、【】、××）' },
  AMOUNT_VAGUE: { severity: 'error', summary: '金额表述不明确（若干、相应费用等）' },
  AMOUNT_MISSING: { severity: 'warning', summary: '约定了给付金钱，但没有写明金额' },
  AMOUNT_NO_CURRENCY: { severity: 'warning', summary: '金额没有写明币种或单位（元）' },
  AMOUNT_WORDS_MISMATCH: { severity: 'error', summary: '小写金额与大写金额不一致' },
  TOTAL_CONFLICT: { severity: 'error', summary: '不同条款对同一款项写明的总额不一致' },
  INSTALMENT_SUM_MISMATCH: { severity: 'error', summary: '分期金额之和与总额不符' },
  INSTALMENT_COUNT_MISMATCH: { severity: 'warning', summary: '分期期数与列明的各期不符' },
  DATE_INVALID: { severity: 'error', summary: '日期不存在（如2月30日）' },
  DEADLINE_VAGUE: { severity: 'warning', summary: '履行期限表述不明确（尽快、及时等）' },
  DEADLINE_BEFORE_SIGNING: { severity: 'error', summary: '履行期限早于协议签订日期' },
  DEADLINE_AFTER_PERFORMANCE: { severity: 'warning', summary: '条款期限晚于履行期限' },
  PERFORMANCE_METHOD_MISSING: { severity: 'error', summary: '缺履行方式（人民调解法第二十九条）' },
  PERFORMANCE_DEADLINE_MISSING: { severity: 'error', summary: '缺履行期限（人民调解法第二十九条）' },
  PERFORMANCE_PLACE_MISSING: { severity: 'warning', summary: '缺履行地点' },
  PAYEE_ACCOUNT_MISSING: { severity: 'warning', summary: '以转账方式付款，但未写明收款账户' },
  PERSONAL_STATUS: { severity: 'warning', summary: '涉及婚姻、收养、继承等人身关系：不能电子签署（电子签名法第三条）' },
  UTILITY_SUSPENSION: { severity: 'warning', summary: '涉及停止供水、供热、供气等公用事业服务：不能电子签署（电子签名法第三条）' },
  PAPER_SIGNING_POSSIBLE: { severity: 'info', summary: '事实部分提及人身关系或停止公用事业服务，如协议涉及则需纸质签署' },
  CONFIRMATION_LATE: { severity: 'warning', summary: '司法确认申请晚于调解协议生效后三十日（民事诉讼法第二百零五条）' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type FindingCode = keyof typeof FINDING_CODES;
export const FINDING_CODE_KEYS = Object.keys(FINDING_CODES) as FindingCode[];

/** Where a finding points: a clause, a section, a party or a field of it. */
export type FindingSection = 'meta' | 'parties' | SectionKey | 'clauses' | 'performance';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  section: FindingSection;
  clauseId?: string;
  partyId?: string;
  /** The field key (fill-in field, party detail or performance item). */
  field?: string;
  /** What is wrong, in Chinese, naming the place (第2条、甲方王某…). */
  message: string;
  /** What to do about it. */
  hint: string;
}

/** Codes that rule out electronic signing (电子签名法 art. 3). */
export const PAPER_SIGNING_CODES: readonly FindingCode[] = ['PERSONAL_STATUS', 'UTILITY_SUSPENSION'];

export function electronicSigningAllowed(findings: readonly Finding[]): boolean {
  return !findings.some((f) => PAPER_SIGNING_CODES.includes(f.code));
}

export interface CheckOptions {
  /** Today (YYYY-MM-DD, China time); deadlines are measured from meta.signingDate, else today. */
  today?: string;
}

type Where = Omit<Finding, 'code' | 'severity' | 'message' | 'hint'>;

function make(code: FindingCode, where: Where, message: string, hint: string): Finding {
  return { code, severity: FINDING_CODES[code].severity, ...where, message, hint };
}

// ---------------------------------------------------------------------------------------------
// Patterns

const BLANK_MARK_RE = /_{2,}|＿{2,}|【[^】]{0,16}】|[×xX]{2,}|○{2,}|（\s*）|\(\s*\)|\{\{|\}\}/;
const VAGUE_AMOUNT_RE =
  /若干|一定(?:的)?(?:数额|金额|费用|款项|补偿|赔偿)|相应(?:的)?(?:费用|款项|损失|赔偿款|补偿款|金额)|适当(?:的)?(?:补偿|赔偿|费用)|合理(?:的)?(?:费用|补偿|赔偿)|部分(?:款项|费用)|(?:金额|数额|费用|款项)(?:由双方)?另行(?:协商|商定|确定)/;
const VAGUE_DEADLINE_RE = /尽快|尽早|及时|近期|近日|择日|适当(?:的)?时候|合适(?:的)?时间|方便时|有空时|另行(?:约定|商定|协商)(?:的)?(?:时间|日期|期限)/;
const PAYMENT_VERB_RE = /支付|赔偿|补偿|偿还|返还|给付|退还|缴纳|归还|付清|赔付/g;
const MONEY_NOUN_RE = /款|费|金|钱|息|损失/;
const RATE_RE = /万分之|百分之|千分之|%|％|‰|利率|LPR|标准|按照?.{0,12}计算/;
const PERSONAL_STATUS_RE =
  /离婚|结婚|婚姻|夫妻关系|同居关系|收养|送养|继承|遗产|遗嘱|抚养权|抚养费|抚养关系|子女抚养|监护权|监护关系|探望权|探视权|赡养|扶养|亲子关系/;
const UTILITY_RE = /停止(?:供水|供电|供热|供暖|供气|供燃气)|中止(?:供水|供电|供热|供气)|停水|停电|停气|停暖|断水|断电|断气/;
const TRANSFER_RE = /转账|汇款|打款|汇入|转入|银行|账户|微信|支付宝/;
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

// ---------------------------------------------------------------------------------------------
// Rendering for analysis: valid values as they will read, everything else as a neutral 【label】.

function analysisText(block: BlockSnapshot): string {
  return block.text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_, key: string) => {
    const f = block.fields[key];
    if (!f || f.value === null || !normalizeFieldValue(f.type, f.value).ok) return `【${f?.label ?? key}】`;
    return formatFieldValue(f.type, f.value);
  });
}

// ---------------------------------------------------------------------------------------------
// Parties

export function checkParties(parties: readonly PartySnapshot[], opts: { partyWord?: string; minimum?: 'sides' | number } = {}): Finding[] {
  const out: Finding[] = [];
  const minimum = opts.minimum ?? 'sides';
  if (minimum === 'sides') {
    const missing = (['A', 'B'] as const).filter((s) => !parties.some((p) => p.side === s));
    if (missing.length) {
      out.push(
        make(
          'PARTIES_TOO_FEW',
          { section: 'parties' },
          `缺少${missing.map((s) => (s === 'A' ? '甲方' : '乙方')).join('、')}当事人`,
          '调解协议须列明纠纷各方当事人，请从案件当事人中添加。',
        ),
      );
    }
  } else if (parties.length < minimum) {
    out.push(make('PARTIES_TOO_FEW', { section: 'parties' }, `当事人不足${minimum}人`, '司法确认须由双方当事人共同申请，请列明全部申请人。'));
  }
  parties.forEach((p, i) => {
    const who = p.name ? `${opts.partyWord ?? (p.side === 'A' ? '甲方' : '乙方')}${p.name}` : `第${i + 1}位当事人`;
    const at = (field: string): Where => ({ section: 'parties', partyId: p.id, field });
    if (!p.name.trim()) out.push(make('PARTY_NAME_MISSING', at('name'), `${who}：姓名（名称）未填写`, '填写与身份证件一致的姓名，单位填写营业执照上的全称。'));
    if (p.personType === 'natural' && !p.idMasked) {
      out.push(make('PARTY_ID_MISSING', at('idMasked'), `${who}：身份证号码未填写`, '填写居民身份证号码，文书中只显示脱敏后的号码。'));
    }
    if (p.personType === 'legal' && !p.creditCode) {
      out.push(make('PARTY_ID_MISSING', at('creditCode'), `${who}：统一社会信用代码未填写`, '按营业执照填写18位统一社会信用代码。'));
    }
    if (p.personType === 'legal' && !p.legalRepresentative) {
      out.push(
        make('PARTY_REPRESENTATIVE_MISSING', at('legalRepresentative'), `${who}：法定代表人（负责人）未填写`, '填写法定代表人姓名；分支机构填写负责人。'),
      );
    }
    if (!p.address) out.push(make('PARTY_ADDRESS_MISSING', at('address'), `${who}：住所未填写`, '自然人填写户籍地或经常居住地，单位填写住所地。'));
    if (!p.phone) out.push(make('PARTY_PHONE_MISSING', at('phone'), `${who}：联系电话未填写`, '便于履行和回访，建议填写联系电话。'));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Blocks (sections and clauses): fill-ins and blanks

function checkFillIns(block: BlockSnapshot, where: Where, label: string): Finding[] {
  const out: Finding[] = [];
  for (const key of placeholderKeys(block.text)) {
    const f: FieldValue | undefined = block.fields[key];
    if (!f) {
      out.push(make('PLACEHOLDER_UNKNOWN', { ...where, field: key }, `${label}：正文中的 {{${key}}} 没有对应的填写项`, '删除该占位符，或为它添加填写项。'));
      continue;
    }
    if (f.value === null || !f.value.trim()) {
      out.push(make('FIELD_UNFILLED', { ...where, field: key }, `${label}：「${f.label}」未填写`, `请填写${f.label}。`));
      continue;
    }
    const n = normalizeFieldValue(f.type, f.value);
    if (!n.ok) out.push(make('FIELD_INVALID', { ...where, field: key }, `${label}：「${f.label}」填写的“${f.value}”无效`, n.problem));
  }
  const bare = stripPlaceholders(block.text);
  const blank = BLANK_MARK_RE.exec(bare);
  if (blank) out.push(make('TEXT_PLACEHOLDER', where, `${label}：正文中留有空白“${blank[0]}”`, '把空白处补充完整，或改用填写项。'));
  return out;
}

function checkWording(text: string, where: Where, label: string): Finding[] {
  const out: Finding[] = [];
  const vague = VAGUE_AMOUNT_RE.exec(text);
  if (vague)
    out.push(
      make(
        'AMOUNT_VAGUE',
        where,
        `${label}：金额表述“${vague[0]}”不明确`,
        '写明具体金额，如“人民币8,600.00元”；金额不明确的协议无法履行，也无法申请司法确认。',
      ),
    );
  const vd = VAGUE_DEADLINE_RE.exec(text);
  if (vd) out.push(make('DEADLINE_VAGUE', where, `${label}：期限表述“${vd[0]}”不明确`, '写明具体日期（如2026年3月15日前）或“本协议签订之日起十五日内”。'));
  for (const d of findDates(text)) {
    if (d.parsed === null) out.push(make('DATE_INVALID', where, `${label}：日期“${d.raw}”不存在`, '核对年月日。'));
  }
  return out;
}

function checkSigningMatters(text: string, where: Where, label: string): Finding[] {
  const out: Finding[] = [];
  const ps = PERSONAL_STATUS_RE.exec(text);
  if (ps) {
    out.push(
      make(
        'PERSONAL_STATUS',
        where,
        `${label}涉及“${ps[0]}”等人身关系事项，依《电子签名法》第三条不适用电子签名`,
        '该协议须当面以纸质方式签名、按指印；或将人身关系事项与财产事项分开处理。',
      ),
    );
  }
  const ut = UTILITY_RE.exec(text);
  if (ut) {
    out.push(
      make(
        'UTILITY_SUSPENSION',
        where,
        `${label}涉及“${ut[0]}”，依《电子签名法》第三条停止供水、供热、供气等公用事业服务的文书不适用电子签名`,
        '该协议须以纸质方式签署，或删去相关内容。',
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Money

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

function checkMoney(clauses: readonly ClauseSnapshot[], texts: string[], parties: readonly PartySnapshot[], label: (i: number) => string): Finding[] {
  const out: Finding[] = [];
  const statements: Statement[] = [];
  const names = parties.map((p) => p.name).filter((n) => n.length >= 2);
  clauses.forEach((clause, i) => {
    const text = texts[i]!;
    const where: Where = { section: 'clauses', clauseId: clause.id };
    const { single, mismatches } = pairWords(text, findAmounts(text));
    for (const [a, b] of mismatches) {
      out.push(make('AMOUNT_WORDS_MISMATCH', where, `${label(i)}：“${a.raw}”与“${b.raw}”金额不一致`, '核对小写与大写金额，两者须完全一致。'));
    }
    for (const a of single.filter((x) => !x.currency)) {
      out.push(make('AMOUNT_NO_CURRENCY', where, `${label(i)}：“${a.raw}”没有写明币种和单位`, '写成“人民币5,000.00元”。'));
    }
    // An amount fill-in field already covers it (FIELD_UNFILLED / FIELD_INVALID when empty or wrong).
    const hasAmountField = placeholderKeys(clause.text).some((k) => clause.fields[k]?.type === 'amount');
    if (single.length === 0 && !hasAmountField && !VAGUE_AMOUNT_RE.test(text)) {
      for (const m of text.matchAll(PAYMENT_VERB_RE)) {
        const after = text.slice(m.index + m[0].length).split(COMMA_SEPS)[0] ?? '';
        if (MONEY_NOUN_RE.test(after) && !RATE_RE.test(sentenceAround(text, m.index))) {
          out.push(
            make(
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
        make(
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
          make(
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
      out.push(make('INSTALMENT_COUNT_MISMATCH', where, `${label(i)}：约定分${count}期，但列明了${parts.length}期`, '使期数与列明的各期一致。'));
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deadlines

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

function checkDeadlines(s: AgreementSnapshot, texts: string[], signing: string, label: (i: number) => string): Finding[] {
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
        out.push(make('DEADLINE_BEFORE_SIGNING', where, `${label(i)}：期限“${d.raw}”早于${signingWords}`, '履行期限应在协议签订之后，请改为签订后的日期。'));
      } else if (perf) {
        const cmp = compareDeadline(d.parsed, perf, signing);
        if (cmp !== null && cmp > 0) {
          out.push(
            make(
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
        make(
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

// ---------------------------------------------------------------------------------------------
// Performance

function checkPerformance(s: AgreementSnapshot): Finding[] {
  const out: Finding[] = [];
  const p = s.performance;
  const at = (field: keyof typeof PERFORMANCE_LABELS): Where => ({ section: 'performance', field });
  if (!p.method) out.push(make('PERFORMANCE_METHOD_MISSING', at('method'), '履行方式未填写', '写明如何履行，如“银行转账”“现金当面交付”“上门维修”。'));
  if (!p.deadline) out.push(make('PERFORMANCE_DEADLINE_MISSING', at('deadline'), '履行期限未填写', '写明具体日期，或“本协议签订之日起十五日内”。'));
  if (!p.place) out.push(make('PERFORMANCE_PLACE_MISSING', at('place'), '履行地点未填写', '写明履行地点，如“甲方住所”或“甲方指定的银行账户”。'));
  for (const key of ['method', 'place', 'deadline', 'account'] as const) {
    const v = p[key];
    if (!v) continue;
    const label = PERFORMANCE_LABELS[key];
    const blank = BLANK_MARK_RE.exec(v);
    if (blank) out.push(make('TEXT_PLACEHOLDER', at(key), `${label}中留有空白“${blank[0]}”`, '把空白处补充完整。'));
    out.push(...checkWording(v, at(key), label).filter((f) => f.code !== 'AMOUNT_VAGUE'));
  }
  const accountInClauses = s.clauses.some((c) => Object.values(c.fields).some((f) => f.type === 'bankAccount' && f.value));
  if (p.method && TRANSFER_RE.test(p.method) && !p.account && !accountInClauses) {
    out.push(make('PAYEE_ACCOUNT_MISSING', at('account'), '以转账方式付款，但未写明收款账户', '写明户名、开户行和账号，避免款项付错。'));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** All findings for an agreement, in document order. */
export function checkAgreement(s: AgreementSnapshot, opts: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  const signing = s.meta.signingDate ?? opts.today ?? todayInChina();
  if (!s.meta.caseNumber.trim())
    out.push(make('CASE_NUMBER_MISSING', { section: 'meta', field: 'caseNumber' }, '协议书没有编号', '使用案件编号，如“青山调〔2026〕第12号”。'));
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
      out.push(make(missingCode[key], where, `${label}未填写`, missingHint[key]));
      continue;
    }
    out.push(...checkFillIns(b, where, label));
    const wording = checkWording(rendered, where, label).filter((f) => f.code === 'DATE_INVALID');
    out.push(...wording);
    if (key === 'facts') {
      const m = PERSONAL_STATUS_RE.exec(rendered) ?? UTILITY_RE.exec(rendered);
      if (m) paperInFacts = m[0];
    } else {
      out.push(...checkSigningMatters(rendered, where, label));
    }
  }

  const label = (i: number) => `第${i + 1}条`;
  const texts = s.clauses.map(analysisText);
  if (!texts.some((t) => t.trim())) {
    out.push(make('CLAUSES_MISSING', { section: 'clauses' }, '没有协议内容', '至少写明一条双方达成的协议内容，可从条款库中选用。'));
  }
  s.clauses.forEach((c, i) => {
    const where: Where = { section: 'clauses', clauseId: c.id };
    if (!texts[i]!.trim()) {
      if (texts.some((t) => t.trim())) out.push(make('CLAUSE_EMPTY', where, `${label(i)}正文为空`, '填写条款内容或删除该条。'));
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
      make(
        'PAPER_SIGNING_POSSIBLE',
        { section: 'facts' },
        `纠纷事实中提及“${paperInFacts}”`,
        '如协议内容涉及婚姻、收养、继承等人身关系或停止供水、供热、供气等公用事业服务，不能电子签署，须纸质签署。',
      ),
    );
  }
  return out;
}
