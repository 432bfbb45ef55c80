// Shared set-up for the drafting tests: a case with a mediator, two parties and an interpreter,
// and HocuspocusProvider clients in Node (real WebSocket through `ws`, staff cookie on the upgrade).
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { acceptPrivacy, acknowledgeNotice, createStaffUser, makeIdNumber, sharedStaffSession, type StaffClient } from '../support/server.ts';

export interface DraftCase {
  mediator: StaffClient;
  /** The mediator's login, for a second session (another device). */
  mediatorLogin: { username: string; password: string };
  caseId: string;
  otherCaseId: string;
  tokenA: string;
  tokenB: string;
  tokenInterpreter: string;
  /** A party link of the other case. */
  tokenOtherCase: string;
  partyAId: string;
}

let counter = 0;

/** A mediator account, a case with parties A/B and an interpreter, and a second case. */
export async function setUpDraftCase(baseUrl: string, adminUser: { username: string; password: string }): Promise<DraftCase> {
  const n = ++counter;
  const admin = await sharedStaffSession(baseUrl, adminUser);
  const username = `draft-mediator-${n}`;
  const { client: mediator } = await createStaffUser(admin, { username, displayName: `调解员${n}号`, role: 'MEDIATOR', password: 'mediator-pass-1' });
  const caseId = (await mediator.json('POST', '/api/cases', { title: '民间借贷纠纷', disputeType: 'PRIVATE_LOAN', summary: '借款 5 万元未还' }, 201)).case
    .id as string;
  const otherCaseId = (await mediator.json('POST', '/api/cases', { title: '另一案件', disputeType: 'GENERAL', summary: 'x' }, 201)).case.id as string;
  const addParty = async (cid: string, name: string, side: string, role: string, id17: string) =>
    (await mediator.json('POST', `/api/cases/${cid}/participants`, { role, side, name, phone: '13800138000', idNumber: makeIdNumber(id17) }, 201)).participant
      .id as string;
  const link = async (cid: string, pid: string) =>
    (await mediator.json('POST', `/api/cases/${cid}/invitations`, { participantId: pid }, 201)).invitation.url.split('/j/')[1] as string;
  const partyAId = await addParty(caseId, '李某', 'A', 'APPLICANT', '15020419750312101');
  const partyBId = await addParty(caseId, '王某', 'B', 'RESPONDENT', '15020419800101123');
  const interpreterId = await addParty(caseId, '赵译', 'NEUTRAL', 'INTERPRETER', '15020419900101123');
  const otherPartyId = await addParty(otherCaseId, '孙某', 'A', 'APPLICANT', '15020419700101123');
  const tokenA = await link(caseId, partyAId);
  const tokenB = await link(caseId, partyBId);
  const tokenOtherCase = await link(otherCaseId, otherPartyId);
  // The parties have read the 权利义务告知书 (the room admits parties only after that; tests/legal covers the refusal).
  for (const [cid, token] of [
    [caseId, tokenA],
    [caseId, tokenB],
    [otherCaseId, tokenOtherCase],
  ] as const)
    await acknowledgeNotice(baseUrl, cid, token);
  // … and the 个人信息处理告知书, with every separate consent (tests/legal/privacy.test.ts covers refusals and withdrawal).
  for (const token of [tokenA, tokenB, tokenOtherCase]) await acceptPrivacy(baseUrl, token);
  return {
    mediator,
    mediatorLogin: { username, password: 'mediator-pass-1' },
    caseId,
    otherCaseId,
    partyAId,
    tokenA,
    tokenB,
    tokenInterpreter: await link(caseId, interpreterId),
    tokenOtherCase,
  };
}

export const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/drafting`;

/** `ws` with fixed extra headers (the staff session cookie rides on the upgrade request). */
function wsWithHeaders(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

export interface ClientOptions {
  url: string;
  docName: string;
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

export interface DraftClient {
  provider: HocuspocusProvider;
  socket: HocuspocusProviderWebsocket;
  doc: Y.Doc;
  /** Resolves with the first sync, rejects with the server's refusal reason. */
  ready: Promise<void>;
  /** Resolves once every update sent so far is acknowledged (`unsyncedChanges === 0`). */
  acked(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

export function connectClient(options: ClientOptions): DraftClient {
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({
    url: options.url,
    WebSocketPolyfill: wsWithHeaders({ ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers }),
    // Quick retries (a restarted server is back within seconds). maxAttempts stays unlimited:
    // a bounded retry rejects a promise the provider never handles.
    delay: 100,
    minDelay: 100,
    maxDelay: 200,
  });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: options.docName, document: doc, token: options.token ?? '' });
  provider.attach();
  const ready = new Promise<void>((resolve, reject) => {
    provider.on('synced', () => resolve());
    provider.on('authenticationFailed', ({ reason }: { reason: string }) => reject(new Error(`refused: ${reason}`)));
    socket.on('close', ({ event }: { event: { code: number; reason: string } }) => reject(new Error(`closed: ${event.code} ${event.reason}`)));
  });
  ready.catch(() => undefined);
  return {
    provider,
    socket,
    doc,
    ready,
    acked: (timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (!provider.hasUnsyncedChanges) return resolve();
        const timer = setTimeout(() => {
          provider.off('unsyncedChanges', check);
          reject(new Error(`not acknowledged within ${timeoutMs} ms (unsyncedChanges ${provider.unsyncedChanges})`));
        }, timeoutMs);
        const check = () => {
          if (provider.hasUnsyncedChanges) return;
          clearTimeout(timer);
          provider.off('unsyncedChanges', check);
          resolve();
        };
        provider.on('unsyncedChanges', check);
      }),
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}
