// 统一社会信用代码 (GB 32100-2015), 民族 (GB/T 3304) and the party details the documents print.
import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_ALPHABET, CREDIT_CODE_WEIGHTS, creditCodeCheckChar, creditCodeProblem } from '../../signaling/domain/credit-code.ts';
import { normalizeEthnicity } from '../../signaling/domain/ethnicity.ts';
import { fromIdNumber, validatePartyDetails } from '../../signaling/domain/party-details.ts';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('the alphabet leaves out I, O, Z, S, V and the weights are 3^(i-1) mod 31', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    for (const c of 'IOZSV') expect(CREDIT_CODE_ALPHABET).not.toContain(c);
    CREDIT_CODE_WEIGHTS.forEach((w, i) => expect(w).toBe(Number(3n ** BigInt(i) % 31n)));
  });

  // Codes printed on published business licences.
  it.each(['914403001922038216', '9144030071526726XG', '91350100M000100Y43', '91110108551385082Q'])('accepts %s', (code) => {
    expect(creditCodeProblem(code)).toBeNull();
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('accepts lower case and spaces as typed', () => {
    expect(creditCodeProblem(' 9144 0300 7152 6726 xg')).toBeNull();
  });

  it('rejects every single-character typo in a valid code', () => {
    const valid = '9144030071526726XG';
    for (let i = 0; i < 18; i++) {
      const v = CREDIT_CODE_ALPHABET.indexOf(valid[i]!);
      const typo = valid.slice(0, i) + CREDIT_CODE_ALPHABET[(v + 1) % 31] + valid.slice(i + 1);
      expect(creditCodeProblem(typo), typo).not.toBeNull();
    }
  });

  it.each([
    ['91440300715267', '18位'],
    ['9144030071526726OG', '不含I、O、Z、S、V'],
    ['91A4030071526726XG', '行政区划'],
    ['9144030071526726XH', '校验位'],
  ])('rejects %s naming the problem', (code, problem) => expect(creditCodeProblem(code)).toContain(problem));
});

describe('民族', () => {
  it('takes the 56 names, with or without 族', () => {
    expect(normalizeEthnicity('汉')).toBe('汉族');
    expect(normalizeEthnicity('蒙古族')).toBe('蒙古族');
    expect(normalizeEthnicity('鄂温克')).toBe('鄂温克族');
    expect(normalizeEthnicity('火星族')).toBeNull();
  });
});

describe('party details', () => {
  it('reads 性别 and 出生日期 from the ID number', () => {
    expect(fromIdNumber('11010519491231002X')).toEqual({ gender: '女', birthDate: '1949-12-31' });
    expect(fromIdNumber('150204197803142012')).toEqual({ gender: '男', birthDate: '1978-03-14' });
  });

  it('keeps only what the person type needs; a 送达地址 equal to the 住所 is stored as "the same"', () => {
    const address = '内蒙古自治区包头市青山区青山路街道某小区3号楼502室';
    const r = validatePartyDetails({ personType: 'natural', address, serviceAddress: address, ethnicity: '汉', creditCode: '9144030071526726XG' });
    expect(r).toEqual({
      ok: true,
      details: { personType: 'natural', address, serviceAddress: null, ethnicity: '汉族', creditCode: null, representative: null, representativeTitle: null },
    });
    const legal = validatePartyDetails({
      personType: 'legal',
      address,
      ethnicity: '汉族',
      creditCode: '9144030071526726xg',
      representative: '赵某',
      representativeTitle: '总经理',
    });
    expect(legal).toMatchObject({
      ok: true,
      details: { ethnicity: null, creditCode: '9144030071526726XG', representative: '赵某', representativeTitle: '总经理' },
    });
  });

  it.each([
    [{ address: '青山区' }, 'INVALID_ADDRESS', '住所过于简略'],
    [{ personType: 'legal' as const, address: '包头' }, 'INVALID_ADDRESS', '住所地过于简略'],
    [{ address: 'Room 502, Block 3, Qingshan' }, 'INVALID_ADDRESS', '中文'],
    [{ serviceAddress: '某处' }, 'INVALID_ADDRESS', '送达地址'],
    [{ ethnicity: '火星' }, 'INVALID_ETHNICITY', '56个民族'],
    [{ personType: 'legal' as const, creditCode: '914403001922038217' }, 'INVALID_CREDIT_CODE', '校验位'],
    [{ personType: 'legal' as const, representative: '1' }, 'INVALID_REPRESENTATIVE', '姓名'],
  ])('refuses %j with %s and a Chinese message', (input, code, message) => {
    const r = validatePartyDetails(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(message);
    }
  });
});
