// The network of a party behind a firewall that lets only TCP 443 out (tests/network and the
// `tcp443` bench): the server and coturn on the root side; a client namespace whose Chromium
// reaches them only through a TCP relay on port 443 — the web server on one address, coturn's TLS
// listener on another (or, with UDP blocked, the media server's TCP port). The mediator is a
// socket client on the server's side that admits everyone from the lobby.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { freePort } from '../drafting/persistence-kill9.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { inboundStats } from '../support/room-pages.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { addConfirmedParty, createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { writeSelfSignedCert } from './tls-cert.ts';
import { buildTopology, type Topology } from './namespaces.ts';

const SECRET = 'turn-shared-secret-for-tests-0123456789';

export interface Setup {
  topology: Topology;
  server: TestServer;
  mediator: RoomTestClient;
  caseId: string;
  parties: Array<{ token: string; peerId?: string }>;
  browsers: TestBrowser[];
  certDir: string;
}

/** Server and coturn on the root side; the client namespace reaches them only through the 443 relay. */
export async function setUp(index: number, withTurn: boolean, mode: 'tcp-443-only' | 'udp-blocked' = 'tcp-443-only'): Promise<Setup> {
  const topology = buildTopology(index);
  const certDir = mkdtempSync(path.join(tmpdir(), 'jiefen-turn-cert-'));
  try {
    await writeSelfSignedCert(certDir, 'turn.test');
    const [web, turnTls] = topology.edgeIps;
    const ports = { http: await freePort(), turn: await freePort(), turnTls: await freePort(), rtc: await freePort() };
    // UDP blocked: the media server's TCP port is reachable too (at the address it announces).
    const mediaEnv: Record<string, string> = mode === 'udp-blocked' ? { RTC_PORT: String(ports.rtc), RTC_ANNOUNCED_ADDRESS: web } : {};
    const turnEnv: Record<string, string> = withTurn
      ? {
          TURN_EMBEDDED: '1',
          TURN_SECRET: SECRET,
          TURN_URLS: `turns:${turnTls}:443?transport=tcp`,
          TURN_LISTEN_IP: topology.serverIp,
          TURN_PORT: String(ports.turn),
          TURN_TLS_PORT: String(ports.turnTls),
          TURN_TLS_CERT_FILE: `${certDir}/cert.pem`,
          TURN_TLS_KEY_FILE: `${certDir}/key.pem`,
          TURN_MIN_PORT: String(49500 + index * 50),
          TURN_MAX_PORT: String(49540 + index * 50),
        }
      : {};
    const server = await startTestServer({ HOST: topology.serverIp, PORT: String(ports.http), RTC_LISTEN_IP: topology.serverIp, ...mediaEnv, ...turnEnv });
    // Links and the origin check follow the address the parties use.
    server.ctx.config.publicUrl = `http://${web}:443`;
    await topology.startRelay([
      { listen: { host: web, port: 443 }, target: { host: topology.serverIp, port: ports.http } },
      ...(withTurn ? [{ listen: { host: turnTls, port: 443 }, target: { host: topology.serverIp, port: ports.turnTls } }] : []),
      ...(mode === 'udp-blocked' ? [{ listen: { host: web, port: ports.rtc }, target: { host: topology.serverIp, port: ports.rtc } }] : []),
    ]);
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    const { client: staff } = await createStaffUser(admin, { username: `net${index}`, displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' });
    const caseId = (await staff.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case
      .id as string;
    const parties = [];
    for (const party of [
      { name: '王某', side: 'A', role: 'APPLICANT', id17: '15020419760203101' },
      { name: '赵某', side: 'B', role: 'RESPONDENT', id17: '15020419820304123' },
    ] as const)
      parties.push({ token: (await addConfirmedParty(staff, caseId, party)).token });
    // The mediator (a socket client on the server's side) lets everyone in from the lobby.
    const mediator = new RoomTestClient(server.url, { cookie: staff.cookie });
    await mediator.connected();
    await mediator.ok('room:join', { caseId });
    mediator.socket.on('room:lobby', ({ waiting }: { waiting: Array<{ peerId: string }> }) => {
      for (const { peerId } of waiting) void mediator.request('mediator:admit', { peerId });
    });
    return { topology, server, mediator, caseId, parties, browsers: [], certDir };
  } catch (err) {
    topology.close();
    rmSync(certDir, { recursive: true, force: true });
    throw err;
  }
}

export async function tearDown(s: Setup): Promise<void> {
  for (const b of s.browsers) await b.close();
  s.mediator.close();
  await s.server.close();
  s.topology.close();
  rmSync(s.certDir, { recursive: true, force: true });
}

/** A party's phone-sized Chromium inside the client namespace, through the pre-join check into the room. */
export async function joinFromClientNetwork(s: Setup, token: string) {
  const web = `http://${s.topology.edgeIps[0]}:443`;
  const browser = await launchBrowser({
    executablePath: s.topology.chromiumInClient,
    // Plain http on a non-local address: let the page use the camera as it would over https. The TURN
    // server's certificate is self-signed here.
    extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${web}`, '--ignore-certificate-errors'],
  });
  s.browsers.push(browser);
  const page = await browser.context.newPage();
  await page.goto(`${web}/j/${token}/room`);
  await page.getByTestId('prejoin-join').click({ timeout: 30_000 });
  return page;
}

/** The peers whose media reaches `page` (the mediator here sends none: only the other party can). */
export async function remotePeers(page: Page): Promise<string[]> {
  return [...new Set((await inboundStats(page)).map((st) => st.peerId))];
}
