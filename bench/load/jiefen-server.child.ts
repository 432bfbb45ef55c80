// jiefen under the load benchmark, in a process of its own as in production: the real server
// (startTestServer: fastify, socket.io, SQLite, the mediasoup worker pool) with
// LOAD_TEST_PLAIN_RTP=1 on loopback. The parent seeds the cases through here (HTTP API, before
// anything is measured); everything in the rooms then goes through the /room socket protocol.
import { addInvitedParty, createStaffUser, startTestServer, StaffClient, type PartySpec, type TestServer } from '../../tests/support/server.ts';
import { assertLoopback } from '../lib/env.ts';
import { BENCH_PARTIES } from '../lib/party.ts';
import { serveRpc } from './child-rpc.ts';
import { loopLagWindow } from './loop-lag.ts';

const MEDIATOR = { username: 'load-mediator', displayName: '负载调解员', password: 'load-pass-12345' };
/** The room's three parties: the bench's applicant and respondent, and the applicant's agent. */
const PARTIES: readonly PartySpec[] = [...BENCH_PARTIES, { name: '赵某', side: 'A', role: 'AGENT', id17: '15020419900215002' }];

let server: TestServer | null = null;
const window = loopLagWindow();

export interface SeededRoom {
  caseId: string;
  partyTokens: string[];
}

const api = {
  async start({ workers }: { workers: number }): Promise<{ url: string; workerPids: number[] }> {
    server = await startTestServer({ RTC_LISTEN_IP: '127.0.0.1', LOG_LEVEL: 'warn', LOAD_TEST_PLAIN_RTP: '1', MEDIASOUP_WORKERS: String(workers) });
    assertLoopback(server.url);
    return { url: server.url, workerPids: server.pool.workers.map((w) => w.pid) };
  },
  async seed({ rooms }: { rooms: number }): Promise<{ mediatorCookie: string; rooms: SeededRoom[] }> {
    const s = server!;
    const admin = new StaffClient(s.url);
    if (!(await admin.login(s.admin.username, s.admin.password)).ok) throw new Error('admin login failed');
    // The account changes the password the administrator set at its first login.
    const { client: mediator } = await createStaffUser(admin, { ...MEDIATOR, role: 'MEDIATOR' });
    const seeded: SeededRoom[] = [];
    for (let r = 0; r < rooms; r++) {
      const caseId = (await mediator.json('POST', '/api/cases', { title: `负载测试 ${r + 1}`, disputeType: 'NEIGHBOUR', summary: '负载基准测试' }, 201)).case
        .id as string;
      const partyTokens: string[] = [];
      for (const p of PARTIES) {
        const { id, token } = await addInvitedParty(mediator, caseId, p);
        // Identity confirmed and consent given as on the link page, but written directly: the party
        // API takes 10 identity confirmations a minute per address, and every load party is 127.0.0.1.
        await s.ctx.db.participant.update({ where: { id }, data: { identityConfirmedAt: new Date(), consentAt: new Date() } });
        partyTokens.push(token);
      }
      seeded.push({ caseId, partyTokens });
    }
    return { mediatorCookie: mediator.cookie, rooms: seeded };
  },
  windowStart: () => window.start(),
  windowEnd: () => window.end(),
};
export type JiefenApi = typeof api;

serveRpc(api, async () => {
  await server?.close();
});
