// What a mediator records about a party beyond name, phone and ID number — only what the
// 调解协议书 and the court documents print (人民调解法 art. 29; 民事诉讼法 art. 122 for the
// particulars of natural persons and organisations):
//   natural person: 住所, 民族 (性别 and 出生日期 are read from the ID number, never stored twice)
//   organisation:   名称 (the participant's name), 统一社会信用代码, 法定代表人/负责人 and 职务, 住所地
//   both:           送达地址 (null = the same as 住所)
// Plain functions shared by the server (which validates) and the web client (which shows the
// derived values and the same problems before sending).
import { creditCodeProblem, normalizeCreditCode } from './credit-code.ts';
import { normalizeEthnicity } from './ethnicity.ts';

export const PERSON_TYPES = ['natural', 'legal'] as const;
export type PersonType = (typeof PERSON_TYPES)[number];
export const PERSON_TYPE_LABELS: Record<PersonType, string> = { natural: '自然人', legal: '法人或其他组织' };

export interface PartyDetails {
  personType: PersonType;
  address: string | null;
  serviceAddress: string | null;
  ethnicity: string | null;
  creditCode: string | null;
  representative: string | null;
  representativeTitle: string | null;
}

export const EMPTY_PARTY_DETAILS: PartyDetails = {
  personType: 'natural',
  address: null,
  serviceAddress: null,
  ethnicity: null,
  creditCode: null,
  representative: null,
  representativeTitle: null,
};

/** The detail fields by their Chinese label (messages name the field, never the API key). */
export const PARTY_DETAIL_LABELS = {
  address: '住所',
  legalAddress: '住所地',
  serviceAddress: '送达地址',
  ethnicity: '民族',
  creditCode: '统一社会信用代码',
  representative: '法定代表人（负责人）',
  representativeTitle: '职务',
} as const;

export type PartyDetailsCode = 'INVALID_ADDRESS' | 'INVALID_ETHNICITY' | 'INVALID_CREDIT_CODE' | 'INVALID_REPRESENTATIVE';
export type PartyDetailsResult = { ok: true; details: PartyDetails } | { ok: false; code: PartyDetailsCode; message: string };

const blank = (v: string | null | undefined): string | null => (v === undefined || v === null || v.trim() === '' ? null : v.trim().replace(/\s+/g, ' '));

function addressProblem(label: string, v: string): string | null {
  if ([...v].length < 6) return `${label}过于简略：请写明省（自治区、直辖市）、市、县（区）、街道和门牌号`;
  if ([...v].length > 120) return `${label}不能超过120个字`;
  if (!/[\u4e00-\u9fff]/.test(v)) return `${label}应用中文书写`;
  return null;
}

const NAME_RE = /^[\u4e00-\u9fff·•A-Za-z ]{2,30}$/;

/**
 * Checks and normalises details as entered. Fields that do not apply to the person type are
 * dropped (an organisation has no 民族; a person no credit code), so nothing unneeded is kept.
 */
export function validatePartyDetails(input: Partial<PartyDetails>): PartyDetailsResult {
  const personType: PersonType = input.personType ?? 'natural';
  const legal = personType === 'legal';
  const address = blank(input.address);
  const serviceAddress = blank(input.serviceAddress);
  const addrLabel = legal ? PARTY_DETAIL_LABELS.legalAddress : PARTY_DETAIL_LABELS.address;
  for (const [label, v] of [
    [addrLabel, address],
    [PARTY_DETAIL_LABELS.serviceAddress, serviceAddress],
  ] as const) {
    const p = v && addressProblem(label, v);
    if (p) return { ok: false, code: 'INVALID_ADDRESS', message: p };
  }
  const details: PartyDetails = {
    ...EMPTY_PARTY_DETAILS,
    personType,
    address,
    // The same as 住所 is stored as "the same" (null), so a later move of 住所 carries it along.
    serviceAddress: serviceAddress === address ? null : serviceAddress,
  };
  if (!legal) {
    const raw = blank(input.ethnicity);
    if (raw) {
      const e = normalizeEthnicity(raw);
      if (!e) return { ok: false, code: 'INVALID_ETHNICITY', message: `民族“${raw}”不在56个民族名称之列，请填写如“汉族”“蒙古族”` };
      details.ethnicity = e;
    }
    return { ok: true, details };
  }
  const code = blank(input.creditCode);
  if (code) {
    const p = creditCodeProblem(code);
    if (p) return { ok: false, code: 'INVALID_CREDIT_CODE', message: p };
    details.creditCode = normalizeCreditCode(code);
  }
  const rep = blank(input.representative);
  if (rep && !NAME_RE.test(rep)) return { ok: false, code: 'INVALID_REPRESENTATIVE', message: '法定代表人（负责人）应填写2至30个字的姓名' };
  const title = blank(input.representativeTitle);
  if (title && [...title].length > 20) return { ok: false, code: 'INVALID_REPRESENTATIVE', message: '法定代表人（负责人）的职务不能超过20个字' };
  details.representative = rep;
  details.representativeTitle = title;
  return { ok: true, details };
}

/** An agent acts by a 授权委托书 (entrusted, 委托代理人) or by law (statutory, 法定代理人 of a minor). */
export const AGENCY_TYPES = ['entrusted', 'statutory'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];
export const AGENCY_TYPE_LABELS: Record<AgencyType, string> = { entrusted: '委托代理人', statutory: '法定代理人' };

/**
 * How a 法定代理人 is related to the minor (民法典 art. 27: parents; then grandparents, elder
 * siblings, or another person or organisation the 居委会/村委会 or 民政部门 agreed to). Recorded
 * with every statutory agent and printed in the party block.
 */
export const GUARDIAN_RELATIONSHIPS = ['FATHER', 'MOTHER', 'GRANDPARENT', 'SIBLING', 'OTHER_GUARDIAN'] as const;
export type GuardianRelationship = (typeof GUARDIAN_RELATIONSHIPS)[number];
export const GUARDIAN_RELATIONSHIP_LABELS: Record<GuardianRelationship, string> = {
  FATHER: '父亲',
  MOTHER: '母亲',
  GRANDPARENT: '祖父母或外祖父母',
  SIBLING: '兄、姐',
  OTHER_GUARDIAN: '监护人',
};
export const isGuardianRelationship = (v: unknown): v is GuardianRelationship => GUARDIAN_RELATIONSHIPS.includes(v as GuardianRelationship);

/**
 * Files the mediator keeps for a participant: an agent's 授权委托书, an organisation's proof of
 * standing (营业执照, 法定代表人身份证明书).
 */
export const PARTY_DOCUMENT_KINDS = ['POWER_OF_ATTORNEY', 'STANDING_PROOF'] as const;
export type PartyDocumentKind = (typeof PARTY_DOCUMENT_KINDS)[number];
export const PARTY_DOCUMENT_LABELS: Record<PartyDocumentKind, string> = { POWER_OF_ATTORNEY: '授权委托书', STANDING_PROOF: '主体资格证明' };

/** Full years of age on `on` (YYYY-MM-DD) of someone born on `birthDate` (YYYY-MM-DD): the birthday itself counts. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Under 18 on `on`, read from the ID number (民法典 art. 17); false when the number gives no birth date. */
export function isMinorOn(idNumber: string, on: string): boolean {
  const d = fromIdNumber(idNumber);
  return d !== null && ageOn(d.birthDate, on) < 18;
}

/** 性别 and 出生日期 read from a resident ID number (GB 11643: digits 7–14 the birth date, the 17th odd for men). */
export function fromIdNumber(idNumber: string): { gender: '男' | '女'; birthDate: string } | null {
  const id = idNumber.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  return { gender: Number(id[16]) % 2 === 1 ? '男' : '女', birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` };
}
