// What the checker reports: the table of finding codes with their fixed severities, the Finding
// shape and the one constructor every rule family uses, so a finding's severity always comes from
// its code and never from the rule that raised it.
import type { SectionKey } from './document-schema.ts';

export type Severity = 'error' | 'warning' | 'info';

/** Every finding code, its fixed severity and what it means. Codes are stable: clients key on them. */
export const FINDING_CODES = {
  CASE_NUMBER_MISSING: { severity: 'warning', summary: '协议书没有编号' },
  PARTIES_TOO_FEW: { severity: 'error', summary: '当事人不足：甲乙双方至少各一人' },
  PARTY_NAME_MISSING: { severity: 'error', summary: '当事人姓名（名称）未填写' },
  PARTY_ID_MISSING: { severity: 'error', summary: '自然人缺身份证号码，或单位缺统一社会信用代码' },
  PARTY_ADDRESS_MISSING: { severity: 'error', summary: '当事人住所未填写' },
  PARTY_REPRESENTATIVE_MISSING: { severity: 'error', summary: '单位当事人缺法定代表人（负责人）' },
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
  OWNERSHIP_CONFIRMATION: { severity: 'warning', summary: '条款确认物权、知识产权的归属（确权）：法院不予司法确认（解释第三百五十五条）' },
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

/** The part of a finding that says where it points; each rule fills in the rest through finding(). */
export type Where = Omit<Finding, 'code' | 'severity' | 'message' | 'hint'>;

export function finding(code: FindingCode, where: Where, message: string, hint: string): Finding {
  return { code, severity: FINDING_CODES[code].severity, ...where, message, hint };
}
