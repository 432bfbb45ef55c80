// Parties as staff enter them at the desk, on patrol or in an import row: checked and brought to
// one spelling (trimmed name, phone without spaces or +86, upper-case X in ID numbers), because the
// duplicate check compares blind indexes of exactly these values.
import { idNumberProblem, normalizeIdNumber } from '../domain/id-number.ts';
import type { MatterPartyRole } from '../domain/intake-vocabulary.ts';
import { normalizePhone, phoneProblem } from '../domain/phone.ts';
import { DomainError } from '../errors.ts';
import type { NewMatterParty } from '../intake/registration.ts';

export interface PartyInput {
  role: MatterPartyRole;
  kind?: 'PERSON' | 'ORGANISATION' | undefined;
  name: string;
  phone?: string | undefined;
  idNumber?: string | undefined;
  address?: string | undefined;
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** Checks one party; `which` names it in the refusal (第2位当事人). */
export function normalizeParty(p: PartyInput, which: string): NewMatterParty {
  const name = p.name.trim();
  if (!name) throw new DomainError('VALIDATION', `${which}的姓名（名称）不能为空`);
  const phone = blank(p.phone);
  if (phone) {
    const problem = phoneProblem(phone);
    if (problem) throw new DomainError('INVALID_PHONE', `${which}：${problem}`);
  }
  const idNumber = blank(p.idNumber);
  if (idNumber) {
    const problem = idNumberProblem(idNumber);
    if (problem) throw new DomainError('INVALID_ID_NUMBER', `${which}：${problem}`);
  }
  return {
    role: p.role,
    kind: p.kind ?? 'PERSON',
    name,
    phone: phone && normalizePhone(phone),
    idNumber: idNumber && normalizeIdNumber(idNumber),
    address: blank(p.address),
  };
}

export const normalizeParties = (parties: readonly PartyInput[]) => parties.map((p, i) => normalizeParty(p, `第${i + 1}位当事人`));
