// Issuing under kill -9 (issue 12 item 3): the real server as a child process on a real data
// folder; the mediator's sign-and-issue request is sent and the server SIGKILLed at a sweep of
// delays across the request, each on a case whose parties have all signed. After every restart
// on the same folder the case is all or nothing — either no mediator signature, round OPEN and
// case AGREED, or the mediator's signature, the COMPLETED round with its PDF, case SIGNED and
// both audit entries — the audit chain verifies, and a retry then completes (or, if the killed
// request had completed, says so) with a PDF that verifies.
//
// The cases are prepared in-process first (SMS codes come from a recording gateway), then the
// folder is handed to the child servers (tests/support/server-child.ts, spawned one ahead so
// module loading overlaps; tests/drafting/persistence-kill9.ts). The sweep is calibrated on one
// uninterrupted request in a fresh process, so it covers the request however fast the machine is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../signaling/sqlite-binding.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.ts';
import { applyMigrations } from '../../signaling/db.ts';
import { startServer } from '../../signaling/server.ts';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import { freePort, killNow, serverEnv, spawnServer, type Running, type Spawned } from '../drafting/persistence-kill9.ts';
import { addInvitedParty, changedPassword, createStaffUser, firstLogin, makeIdNumber, StaffClient } from '../support/server.ts';
import { strokePng } from './pdf-tools.ts';
import { fillLoanAgreement, lockAndSignParties, SmsOutbox } from './signing-support.ts';

const KILLS = 8;
const ID = { A: makeIdNumber('15020419750312101'), B: makeIdNumber('15020419800101123') };
const MEDIATOR = { username: 'kill9-mediator', password: 'mediator-pass-1' };
const signature = Buffer.from(strokePng(300, 100)).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-issue-kill9-'));
const spawned = new Set<Running>();
afterAll(async () => {
  await Promise.all([...spawned].map(killNow));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Cases in 达成协议 with both parties signed and a seal uploaded, made by an in-process server on `dataDir`. */
async function prepareCases(n: number): Promise<{ caseIds: string[]; rootFingerprint: string }> {
  await applyMigrations(dataDir);
  const sms = new SmsOutbox();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' });
  const server = await startServer(config, { logger: false, skipMigrations: true, sms });
  config.publicUrl = server.url;
  try {
    const initial = server.bootstrap.adminPassword!;
    const admin = await firstLogin(new StaffClient(server.url), server.bootstrap.adminUsername!, initial, changedPassword(initial));
    const { id: mediatorId, client: mediator } = await createStaffUser(admin, { ...MEDIATOR, displayName: '李瑞芳', role: 'MEDIATOR' });
    await admin.json('PUT', '/api/org/seal', { pngBase64: Buffer.from(strokePng(200, 200)).toString('base64') }, 200);
    const caseIds: string[] = [];
    for (let i = 0; i < n; i++) {
      const caseId = (await mediator.json('POST', '/api/cases', { title: `民间借贷纠纷 ${i}`, disputeType: 'PRIVATE_LOAN', summary: '借款 5 万元未还' }, 201))
        .case.id as string;
      const a = await addInvitedParty(mediator, caseId, { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' });
      const b = await addInvitedParty(mediator, caseId, { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' });
      for (const to of ['TRIAGED', 'MEDIATING']) await mediator.json('POST', `/api/cases/${caseId}/transition`, { to }, 200);
      await server.drafting.withDocument(caseId, async () => undefined);
      await fillLoanAgreement(server, caseId, mediatorId);
      await lockAndSignParties(server, { caseId, mediator, tokenA: a.token, tokenB: b.token }, sms, ID);
      caseIds.push(caseId);
    }
    return { caseIds, rootFingerprint: server.signingIdentity.rootFingerprint };
  } finally {
    await server.close();
  }
}

interface CaseState {
  round: string;
  pdf: boolean;
  mediatorSignatures: number;
  case: string;
  mediatorSignedAudit: number;
  issuedAudit: number;
  pdfSha256: string | null;
}

/** The case as stored, read straight from the SQLite file (WAL: readers never block the server). */
function stateOf(caseId: string): CaseState {
  const db = openSqlite(path.join(dataDir, 'jiefen.db'), { readonly: true });
  try {
    const round = db
      .prepare(`SELECT id, status, pdf IS NOT NULL AS pdf, pdfSha256 FROM "SigningRound" WHERE caseId = ? AND status IN ('OPEN', 'COMPLETED')`)
      .get(caseId) as { id: string; status: string; pdf: number; pdfSha256: string | null };
    const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
    const audit = db.prepare(`SELECT type, data FROM "AuditEntry" WHERE caseId = ?`).all(caseId) as Array<{ type: string; data: string }>;
    return {
      round: round.status,
      pdf: round.pdf === 1,
      pdfSha256: round.pdfSha256,
      mediatorSignatures: count(`SELECT COUNT(*) AS n FROM "AgreementSignature" WHERE roundId = ? AND signerType = 'mediator'`, round.id),
      case: (db.prepare(`SELECT status FROM "Case" WHERE id = ?`).get(caseId) as { status: string }).status,
      mediatorSignedAudit: audit.filter((e) => e.type === 'AGREEMENT_SIGNED' && JSON.parse(e.data).signerType === 'mediator').length,
      issuedAudit: audit.filter((e) => e.type === 'AGREEMENT_ISSUED').length,
    };
  } finally {
    db.close();
  }
}

const NOTHING = { round: 'OPEN', pdf: false, pdfSha256: null, mediatorSignatures: 0, case: 'AGREED', mediatorSignedAudit: 0, issuedAudit: 0 };
const isComplete = (s: CaseState) =>
  s.round === 'COMPLETED' && s.pdf && s.mediatorSignatures === 1 && s.case === 'SIGNED' && s.mediatorSignedAudit === 1 && s.issuedAudit === 1;

describe('issuing under kill -9 (real server as a child process)', () => {
  it(
    `SIGKILL at ${KILLS} points across the mediator's sign-and-issue request: after each restart all or nothing, the audit chain verifies, a retry completes`,
    { timeout: 600_000 },
    async () => {
      const { caseIds, rootFingerprint } = await prepareCases(KILLS + 1);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = serverEnv(dataDir, port, 'error');
      const spawn = (): Spawned => {
        const s = spawnServer('child', env);
        spawned.add(s);
        s.exited.then(() => spawned.delete(s));
        return s;
      };
      const login = async () => {
        const m = new StaffClient(url);
        expect((await m.login(MEDIATOR.username, MEDIATOR.password)).status).toBe(200);
        return m;
      };
      const mediatorSign = (m: StaffClient, caseId: string) => m.request('POST', `/api/signing/${caseId}/mediator-sign`, { signaturePngBase64: signature });

      /** After a restart: all or nothing, chain verifies; then the retry completes and the PDF verifies. */
      const checkAndRetry = async (m: StaffClient, caseId: string, answered: number | null): Promise<'nothing' | 'complete'> => {
        const before = stateOf(caseId);
        const outcome = isComplete(before) ? 'complete' : 'nothing';
        if (outcome === 'nothing') expect(before, `case ${caseId}: neither nothing nor everything`).toEqual(NOTHING);
        if (answered === 200) expect(outcome, 'an acknowledged issue must survive').toBe('complete');
        expect((await m.json('GET', `/api/cases/${caseId}/audit`)).chain.ok).toBe(true);
        const retry = await mediatorSign(m, caseId);
        const body = (await retry.json()) as any;
        if (outcome === 'nothing') expect(retry.status, JSON.stringify(body)).toBe(200);
        else expect(body.code).toBe('AGREEMENT_ALREADY_SIGNED');
        const after = stateOf(caseId);
        expect(isComplete(after), JSON.stringify(after)).toBe(true);
        const pdf = Buffer.from(await (await m.request('GET', `/api/signing/${caseId}/pdf`)).arrayBuffer());
        expect(verifyPdf(pdf, { pinnedRoots: [rootFingerprint] })).toMatchObject({ valid: true, trustedRoot: true, documentSha256: after.pdfSha256 });
        expect((await m.json('GET', `/api/cases/${caseId}/audit`)).chain.ok).toBe(true);
        return outcome;
      };

      // Calibration: one uninterrupted request in a fresh process (what every killed request is).
      let running: Running = await spawn().start();
      let next: Spawned = spawn();
      let m = await login();
      const t0 = performance.now();
      const calibration = await mediatorSign(m, caseIds[0]!);
      const requestMs = performance.now() - t0;
      expect(calibration.status, await calibration.text()).toBe(200);
      expect(isComplete(stateOf(caseIds[0]!))).toBe(true);
      // Kill points from "at once" to a little past the calibrated end of the request.
      const delays = Array.from({ length: KILLS }, (_, k) => Math.round((k * requestMs * 1.2) / (KILLS - 1)));

      const outcomes: Array<{ delayMs: number; answered: number | null; outcome: 'nothing' | 'complete' }> = [];
      let previous: { caseId: string; delayMs: number; answered: number | null } | null = null;
      for (let k = 0; k <= KILLS; k++) {
        if (k > 0) {
          running = await next.start();
          if (k < KILLS) next = spawn();
          m = await login();
        }
        if (previous)
          outcomes.push({ delayMs: previous.delayMs, answered: previous.answered, outcome: await checkAndRetry(m, previous.caseId, previous.answered) });
        if (k === KILLS) break;
        const caseId = caseIds[k + 1]!;
        let answered: number | null = null;
        const pending = mediatorSign(m, caseId).then(
          (res) => (answered = res.status),
          () => undefined, // the connection died with the server
        );
        await sleep(delays[k]!);
        await killNow(running);
        await pending;
        previous = { caseId, delayMs: delays[k]!, answered };
      }
      await killNow(running);

      console.log(
        `issue kill9: request ${Math.round(requestMs)} ms in a fresh process; ${outcomes.map((o) => `${o.delayMs} ms → ${o.outcome}${o.answered ? ` (answered ${o.answered})` : ''}`).join(', ')}`,
      );
      expect(outcomes).toHaveLength(KILLS);
      expect(outcomes[0]!.answered).toBeNull(); // killed at once: the request cannot have been answered
    },
  );
});
