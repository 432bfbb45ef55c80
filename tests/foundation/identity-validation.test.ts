// GB 11643 identity numbers and phone numbers.
import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, idNumberProblem, maskIdNumber } from '../../signaling/domain/id-number.ts';
import { phoneProblem } from '../../signaling/domain/phone.ts';

describe('GB 11643 resident ID numbers', () => {
  it('computes the published check character of the standard example', () => {
    // GB 11643-1999 appendix example: 11010519491231002X.
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
  });

  it('rejects a wrong check character, naming the problem', () => {
    expect(idNumberProblem('110105194912310021')).toBe('身份证号码校验位不正确，请核对');
  });

  it('rejects every single-digit typo in a valid number', () => {
    const valid = '11010519491231002X';
    for (let i = 0; i < 17; i++) {
      const d = Number(valid[i]);
      const typo = valid.slice(0, i) + String((d + 1) % 10) + valid.slice(i + 1);
      expect(idNumberProblem(typo), typo).not.toBeNull();
    }
  });

  it.each([
    ['', '18位'],
    ['1101051949123100', '18位'],
    ['11010519491231002XX', '18位'],
    ['A1010519491231002X', '18位'],
    ['110105194902301234', '出生日期'],
    ['110105299901011234', '出生日期'],
  ])('rejects %j', (id, message) => {
    expect(idNumberProblem(id)).toContain(message);
  });

  it('masks all but the first and last four characters', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1*****************');
  });
});

describe('phone numbers', () => {
  it.each(['13800138000', '138 0013 8000', '+8613800138000', '0472-5123456'])('accepts %j', (p) => expect(phoneProblem(p)).toBeNull());
  it.each(['12800138000', '1380013800', 'abc', '', '5123456'])('rejects %j', (p) => expect(phoneProblem(p)).toMatch(/11位/));
});
