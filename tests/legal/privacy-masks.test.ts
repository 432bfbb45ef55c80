// #17 item 11: every place an identity-number mask is produced never shows the digits a party
// types to confirm its identity (the last four: link, signing, 笔录, 司法确认 all compare them),
// including masks stored in the older 1502**********1234 form; and the agreement both sides
// receive holds no phone (a typed-in one is refused). Pure functions over the shipped templates.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { formatPartyLine } from '../../signaling/agreement/document-rendering.ts';
import { agreementParts, readAgreement } from '../../signaling/agreement/document.ts';
import { setPartyField } from '../../signaling/agreement/editing.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';
import { ID_CHECK_DIGITS, idCheckDigits, maskIdNumber } from '../../signaling/domain/id-number.ts';
import { participantView } from '../../signaling/http/views.ts';
import { agreementLines } from '../../signaling/signing/agreement-pdf.ts';
import { holdsBankAccount } from '../../signaling/signing/party-signing.ts';
import { DEMO_CASES, demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { makeIdNumber } from '../support/server.ts';

const catalog = loadBuiltinTemplates();
const IDS = ['11010519491231002X', makeIdNumber('15020419750312101'), makeIdNumber('15020419800101123'), makeIdNumber('15020419820607151')];

/** The mask shows none of the check digits: everything after the first character is hidden. */
function expectSafe(mask: string, id: string) {
  expect(mask).toHaveLength(id.length);
  expect(mask.slice(-ID_CHECK_DIGITS)).toBe('*'.repeat(ID_CHECK_DIGITS));
  expect(mask.slice(1)).toMatch(/^\*+$/);
  expect(mask[0]).toBe(id[0]);
}

describe('identity-number masks', () => {
  it.each(IDS)('maskIdNumber(%s) keeps the first character and hides the check digits', (id) => {
    expectSafe(maskIdNumber(id), id);
    expect(idCheckDigits(id)).toBe(id.slice(-4).toUpperCase());
    // An older stored mask (first 4 and last 4 visible) is masked again.
    const old = `${id.slice(0, 4)}**********${id.slice(-4)}`;
    expectSafe(maskIdNumber(old), id);
  });

  it('the agreement document, its rendering, the PDF text and the staff view all use the safe mask', () => {
    for (const templateId of Object.keys(DEMO_CASES)) {
      const doc = demoAgreementDoc(catalog, templateId);
      const a = readAgreement(doc);
      const ids = DEMO_CASES[templateId]!.caseData.parties.map((p) => p.idNumber).filter((x): x is string => !!x && !x.includes('*'));
      const printed = [...agreementLines(a).map((l) => l.text), ...a.parties.map((p) => formatPartyLine(p))].join('\n');
      for (const p of a.parties) if (p.idMasked) expect(p.idMasked.slice(1)).toMatch(/^\*+$/);
      for (const id of ids) {
        expect(printed).not.toContain(`${id.slice(0, 4)}**********${id.slice(-4)}`);
        expect(printed).toContain(maskIdNumber(id));
      }
      for (const m of printed.matchAll(/身份证号码：?([0-9Xx*]{8,})/g)) expect(m[1]!.slice(1)).toMatch(/^\*+$/);
    }
  });

  it('a mask typed or stored in the older form is re-masked when set and when printed', () => {
    const doc = demoAgreementDoc(catalog, 'neighbour');
    const party = readAgreement(doc).parties[0]!;
    const id = IDS[1]!;
    setPartyField(doc, party.id, 'idMasked', `${id.slice(0, 4)}**********${id.slice(-4)}`, 'test');
    expectSafe(readAgreement(doc).parties[0]!.idMasked!, id);
    // A document saved before this change still holding the old form prints safely.
    const stored = agreementParts(doc).parties.get(0) as Y.Map<unknown>;
    stored.set('idMasked', `${id.slice(0, 4)}**********${id.slice(-4)}`);
    const snap = readAgreement(doc);
    expect(formatPartyLine(snap.parties[0]!)).toContain(maskIdNumber(id));
    expect(agreementLines(snap)[0]!.text).toContain(`身份证号码：${maskIdNumber(id)}`);
  });

  it('the case view the mediator gets shows the safe mask', () => {
    const id = IDS[2]!;
    const view = participantView({
      id: 'p1',
      role: 'APPLICANT',
      side: 'A',
      name: '李某',
      phone: '13800138000',
      idNumber: id,
      identityConfirmedAt: null,
      consentAt: null,
      signingAuthority: false,
      personType: 'natural',
      address: null,
      serviceAddress: null,
      ethnicity: null,
      creditCode: null,
      representative: null,
      representativeTitle: null,
      agencyType: 'entrusted',
      guardianRelationship: null,
      sealPng: null,
    });
    expectSafe(view.idMasked, id);
  });
});

describe('no phone in the agreement both sides receive', () => {
  it('parties from the case carry no phone; typing one in is refused with PHONE_NOT_SHARED', () => {
    for (const templateId of Object.keys(DEMO_CASES)) {
      const a = readAgreement(demoAgreementDoc(catalog, templateId));
      for (const p of a.parties) expect(p.phone).toBeNull();
      const printed = agreementLines(a)
        .map((l) => l.text)
        .join('\n');
      expect(printed).not.toContain('联系电话');
      for (const p of DEMO_CASES[templateId]!.caseData.parties) if (p.phone) expect(printed).not.toContain(p.phone);
    }
    const doc = demoAgreementDoc(catalog, 'neighbour');
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => setPartyField(doc, readAgreement(doc).parties[0]!.id, 'phone', '13800138000', 'test')).toThrow(
      expect.objectContaining({ code: 'PHONE_NOT_SHARED' }),
    );
    expect(Buffer.from(Y.encodeStateAsUpdate(doc)).equals(Buffer.from(before))).toBe(true);
  });

  it('holdsBankAccount: the 收款账户 or a 银行账号 field with a value', () => {
    const a = readAgreement(demoAgreementDoc(catalog, 'neighbour'));
    expect(holdsBankAccount(a)).toBe(true);
    expect(holdsBankAccount({ ...a, performance: { ...a.performance, account: null }, clauses: a.clauses.map((c) => ({ ...c, fields: {} })) })).toBe(false);
  });
});
