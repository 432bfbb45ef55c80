// #17 item 9, which court (民事诉讼法 art. 205), rule by rule: a court-sent mediation goes back to
// that court only; an intermediate court's dispute (courts.json thresholds) to that court only;
// otherwise a basic court covering the organisation's place, a party's 住所地 or the 标的物所在地 —
// matched on 6-digit area codes, never on address text. Then the same against a real server: the
// mediator records the referring court, a wrong court is refused with its own code and nothing
// is stored; the codes an applicant gives are stored on the application.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { competentCourts, loadCourtDirectory, type CourtRow, type JurisdictionFacts } from '../../signaling/judicial/jurisdiction.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { mediatingCase, PARTY_IDS, SERVICE } from './judicial-support.ts';

const directory = loadCourtDirectory();
const court = (id: string, name: string, code: string, extra: Partial<CourtRow> = {}): CourtRow => ({
  id,
  name,
  code,
  isLocal: false,
  areaCode: null,
  level: 'BASIC',
  ...extra,
});
const COURTS: CourtRow[] = [
  court('qs', '包头市青山区人民法院', '内0204', { isLocal: true, areaCode: '150204' }),
  court('kdl', '包头市昆都仑区人民法院', '内0203'),
  court('dh', '包头市东河区人民法院', '内0202'),
  court('zj', '包头市中级人民法院', '内02'),
  // Not in courts.json: its own columns count; its region text never does.
  court('xc', '呼和浩特市新城区人民法院', '内0102', { areaCode: '150102' }),
];
const facts = (f: Partial<JurisdictionFacts> = {}): JurisdictionFacts => ({
  referral: null,
  domicileAreaCodes: [],
  subjectAreaCode: null,
  amountYuan: null,
  disputeType: 'PRIVATE_LOAN',
  ...f,
});
const names = (j: ReturnType<typeof competentCourts>) => j.courts.map((c) => [c.name, c.reasons]);

describe('which court (pure rules)', () => {
  it('basic: the organisation’s place, each party’s 住所地, the 标的物所在地 — by code', () => {
    expect(names(competentCourts(COURTS, facts(), directory))).toEqual([['包头市青山区人民法院', ['调解组织所在地']]]);
    const j = competentCourts(COURTS, facts({ domicileAreaCodes: ['150203', '150204'], subjectAreaCode: '150202' }), directory);
    expect(j.rule).toBe('BASIC');
    expect(names(j)).toEqual([
      ['包头市青山区人民法院', ['调解组织所在地', '当事人住所地']],
      ['包头市昆都仑区人民法院', ['当事人住所地']],
      ['包头市东河区人民法院', ['标的物所在地']],
    ]);
    // A court whose own area code is set (not in courts.json) is matched on that code.
    expect(names(competentCourts(COURTS, facts({ domicileAreaCodes: ['150102'] }), directory))).toContainEqual(['呼和浩特市新城区人民法院', ['当事人住所地']]);
    // Same prefecture is not the same county: 150205 (石拐区) has no court here.
    expect(competentCourts(COURTS, facts({ domicileAreaCodes: ['150205'] }), directory).courts.map((c) => c.id)).toEqual(['qs']);
  });

  it('intermediate: from the amount in courts.json the intermediate court alone; across provinces the lower threshold', () => {
    const big = competentCourts(COURTS, facts({ amountYuan: 500_000_000, domicileAreaCodes: ['150203'] }), directory);
    expect(big.rule).toBe('INTERMEDIATE');
    expect(big.courts.map((c) => c.id)).toEqual(['zj']);
    expect(big.courts[0]!.reasons[0]).toContain('应由中级人民法院管辖');
    expect(competentCourts(COURTS, facts({ amountYuan: 499_999_999, domicileAreaCodes: ['150203'] }), directory).rule).toBe('BASIC');
    // One party domiciled in another province (11 北京): 1亿 is enough.
    expect(competentCourts(COURTS, facts({ amountYuan: 100_000_000, domicileAreaCodes: ['110105'] }), directory).rule).toBe('INTERMEDIATE');
    expect(competentCourts(COURTS, facts({ amountYuan: 100_000_000, domicileAreaCodes: ['150203'] }), directory).rule).toBe('BASIC');
  });

  it('a court-sent mediation: the referring court only, whatever the codes', () => {
    const j = competentCourts(COURTS, facts({ referral: { courtId: 'dh', kind: 'DELEGATED' }, domicileAreaCodes: ['150204'], amountYuan: 9e8 }), directory);
    expect(j.rule).toBe('REFERRAL');
    expect(names(j)).toEqual([['包头市东河区人民法院', ['委派调解的人民法院（民事诉讼法第二百零五条第一项）']]]);
  });

  it('a broken courts file is refused at load', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-courts-'));
    try {
      writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ courts: [{ name: 'x', code: '内01', level: 'BASIC', areaCodes: ['青山区'] }] }));
      expect(() => loadCourtDirectory(path.join(dir, 'bad.json'))).toThrow(/areaCodes/);
      const one = { name: 'x', code: '内01', level: 'BASIC', areaCodes: ['150100'] };
      writeFileSync(path.join(dir, 'dup.json'), JSON.stringify({ courts: [one, one] }));
      expect(() => loadCourtDirectory(path.join(dir, 'dup.json'))).toThrow(/重复/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('which court (against a server)', () => {
  const sms = new SmsOutbox();
  let server: TestServer;
  let admin: StaffClient;
  let local: { id: string };
  let dongHe: { id: string };
  let zj: { id: string };
  const apply = async (k: DraftCase, token: string, body: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/api/judicial/${k.caseId}/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...SERVICE, ...body }),
    });
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string; status?: string } };
  };

  beforeAll(async () => {
    server = await startTestServer({}, { sms });
    admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
    dongHe = (await admin.json('POST', '/api/courts', { name: '包头市东河区人民法院', code: '内0202', region: '内蒙古自治区包头市东河区' }, 201)).court;
    zj = (await admin.json('POST', '/api/courts', { name: '包头市中级人民法院', code: '内02', region: '内蒙古自治区包头市' }, 201)).court;
    // Its area and level come from courts.json by its code.
    expect(await server.ctx.db.court.findUniqueOrThrow({ where: { id: zj.id } })).toMatchObject({ areaCode: '150200', level: 'INTERMEDIATE' });
  }, 60_000);
  afterAll(() => server?.close());

  it('a court-sent mediation: recorded by the mediator, then only that court; another is refused (REFERRED_COURT_ONLY)', async () => {
    const k = await mediatingCase(server);
    await signCaseThroughApi(server, k, sms, PARTY_IDS);
    const bad = await k.mediator.request('POST', `/api/judicial/${k.caseId}/referral`, { courtId: dongHe.id, kind: 'SENT' });
    expect(bad.status).toBe(400);
    expect((await k.mediator.request('POST', `/api/judicial/${k.caseId}/referral`, { courtId: dongHe.id, kind: 'DELEGATED' })).status).toBe(204);
    const refused = await apply(k, k.tokenA, { courtId: local.id });
    expect(refused).toMatchObject({ status: 400, body: { code: 'REFERRED_COURT_ONLY' } });
    expect(refused.body.message).toContain('包头市东河区人民法院');
    expect(await server.ctx.db.judicialApplication.count({ where: { caseId: k.caseId } })).toBe(0);
    const view = (await (await fetch(`${server.url}/api/judicial/${k.caseId}`, { headers: { authorization: `Bearer ${k.tokenA}` } })).json()) as {
      courts: Array<{ id: string }>;
    };
    expect(view.courts.map((c) => c.id)).toEqual([dongHe.id]);
    expect(await apply(k, k.tokenA, { courtId: dongHe.id })).toMatchObject({ status: 201 });
    // Once applying has begun the referral cannot change.
    expect((await k.mediator.request('POST', `/api/judicial/${k.caseId}/referral`, { courtId: local.id, kind: 'INVITED' })).status).toBe(409);
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'CASE_COURT_REFERRAL' } })).toBe(1);
  }, 60_000);

  it('the amount makes it the intermediate court’s (INTERMEDIATE_COURT_ONLY); codes are stored; a court covering nothing is refused (NO_COMPETENT_COURT)', async () => {
    const k = await mediatingCase(server);
    await signCaseThroughApi(server, k, sms, PARTY_IDS);
    expect(await apply(k, k.tokenA, { courtId: local.id, disputeAmountYuan: 600_000_000 })).toMatchObject({
      status: 400,
      body: { code: 'INTERMEDIATE_COURT_ONLY' },
    });
    expect(await apply(k, k.tokenA, { courtId: dongHe.id, domicileAreaCode: '150204' })).toMatchObject({ status: 400, body: { code: 'NO_COMPETENT_COURT' } });
    expect(await apply(k, k.tokenA, { courtId: local.id, domicileAreaCode: '15020X' })).toMatchObject({ status: 400 });
    expect(await server.ctx.db.judicialApplication.count({ where: { caseId: k.caseId } })).toBe(0);
    // The 标的物 in 东河区: that court is competent, and the codes are kept.
    expect(await apply(k, k.tokenA, { courtId: dongHe.id, domicileAreaCode: '150204', subjectAreaCode: '150202', disputeAmountYuan: 80_000 })).toMatchObject({
      status: 201,
    });
    const a = await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { caseId: k.caseId }, include: { applicants: true } });
    expect(a).toMatchObject({ courtId: dongHe.id, subjectAreaCode: '150202', disputeAmountYuan: 80_000, intermediateJurisdiction: false });
    expect(a.applicants[0]!.domicileAreaCode).toBe('150204');
  }, 60_000);
});
