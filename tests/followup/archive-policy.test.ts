// The retention period of an archived case as data: the built-in policy by dispute type and
// outcome, a centre's data/archive-policy.json laid over it key by key, the period counted from
// 1 January after the archiving year (China time), and a bad file refused with the key named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchivePolicyError, loadArchivePolicy, retentionFor } from '../../signaling/followup/dossier/archive-policy.ts';

const dirs: string[] = [];
const dataDir = (policy?: unknown) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-archive-policy-'));
  dirs.push(dir);
  if (policy !== undefined) writeFileSync(path.join(dir, 'archive-policy.json'), JSON.stringify(policy));
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** 16:30 UTC on 31 December 2026 is 00:30 on 1 January 2027 in China: archived in 2027, counted from 1 January 2028. */
const LATE_ON_NEW_YEARS_EVE_UTC = new Date('2026-12-31T16:30:00Z');
const chinaMidnight = (y: number) => new Date(Date.UTC(y, 0, 1) - 8 * 3600_000);

describe('retention by dispute type and outcome', () => {
  const policy = loadArchivePolicy(dataDir());

  it('the built-in rules: confirmed 30 years, 房屋买卖 30 whatever the outcome, an agreement 30, otherwise 10', () => {
    const at = new Date('2026-12-07T02:00:00Z');
    expect(retentionFor(policy, { disputeType: 'PRIVATE_LOAN', outcome: 'CONFIRMED' }, at)).toMatchObject({
      years: 30,
      rule: 0,
      retainUntil: chinaMidnight(2057),
    });
    expect(retentionFor(policy, { disputeType: 'PROPERTY_SALE', outcome: 'FAILED' }, at)).toMatchObject({ years: 30, rule: 1 });
    expect(retentionFor(policy, { disputeType: 'NEIGHBOUR', outcome: 'SIGNED' }, at)).toMatchObject({ years: 30, rule: 2 });
    const failed = retentionFor(policy, { disputeType: 'NEIGHBOUR', outcome: 'FAILED' }, at);
    expect(failed).toMatchObject({ years: 10, rule: null, retainUntil: chinaMidnight(2037) });
    expect(failed.basis).toContain('国家档案局令第8号');
    expect(retentionFor(policy, { disputeType: 'GENERAL', outcome: 'WITHDRAWN' }, at).years).toBe(10);
  });

  it('counts from 1 January after the archiving year in China time', () => {
    expect(retentionFor(policy, { disputeType: 'GENERAL', outcome: 'FAILED' }, LATE_ON_NEW_YEARS_EVE_UTC).retainUntil).toEqual(chinaMidnight(2038));
  });

  it("a centre's file replaces the keys it names; the others stay built in", () => {
    const own = loadArchivePolicy(
      dataDir({
        rules: [
          { disputeTypes: ['NEIGHBOUR'], outcomes: ['FAILED', 'WITHDRAWN'], years: 5, basis: '本省规定：相邻纠纷调解不成卷宗保管5年' },
          { outcomes: ['SIGNED', 'CONFIRMED'], years: 50, basis: '本中心规定：达成协议的卷宗保管50年' },
        ],
      }),
    );
    const at = new Date('2026-12-07T02:00:00Z');
    expect(retentionFor(own, { disputeType: 'NEIGHBOUR', outcome: 'FAILED' }, at)).toMatchObject({ years: 5, basis: '本省规定：相邻纠纷调解不成卷宗保管5年' });
    expect(retentionFor(own, { disputeType: 'PROPERTY_SALE', outcome: 'CONFIRMED' }, at).years).toBe(50);
    // The default was not overridden.
    expect(retentionFor(own, { disputeType: 'PROPERTY_SALE', outcome: 'FAILED' }, at)).toMatchObject({ years: 10, rule: null });
  });

  it('a bad file is refused, naming the key', () => {
    expect(() => loadArchivePolicy(dataDir({ default: { years: 0, basis: '零年不行' } }))).toThrow(ArchivePolicyError);
    expect(() => loadArchivePolicy(dataDir({ rules: [{ disputeTypes: ['NO_SUCH_TYPE'], years: 10, basis: '未知类型' }] }))).toThrow(
      /rules\.0\.disputeTypes\.0/,
    );
    expect(() => loadArchivePolicy(dataDir({ yearz: 3 }))).toThrow(/yearz|根/);
  });
});
