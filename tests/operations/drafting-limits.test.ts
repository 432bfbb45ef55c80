// A read-only drafting connection (a party: it proposes through the API, never edits the Y.Doc)
// cannot push large messages to the real server: a 300 KB update closes its connection with
// MESSAGE_TOO_LARGE before anything is decoded, while the mediator's editing connection goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { READ_ONLY_MAX_MESSAGE_BYTES } from '../../signaling/drafting/client-messages.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from '../drafting/sync-support.ts';
import { eventually } from '../support/wait.ts';

let server: TestServer;
let kase: DraftCase;
const clients: DraftClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

const open = (auth: { token?: string; cookie?: string }) => {
  const c = connectClient({ url: wsUrl(server.url), docName: agreementDocName(kase.caseId), ...auth });
  clients.push(c);
  return c;
};

describe('read-only drafting connections', () => {
  it('a large message from a party is refused and its connection closed; the mediator keeps editing', async () => {
    const mediator = open({ cookie: kase.mediator.cookie });
    const party = open({ token: kase.tokenA });
    await Promise.all([mediator.ready, party.ready]);
    const closes: string[] = [];
    party.provider.on('close', ({ event }: { event: { reason: string } }) => closes.push(event.reason));
    party.doc.getText('flood').insert(0, '灌'.repeat(100_000)); // ~300 KB in UTF-8
    expect(READ_ONLY_MAX_MESSAGE_BYTES).toBeLessThan(300_000);
    await eventually(async () => expect(closes).toContain('MESSAGE_TOO_LARGE'), 10_000);
    // Nothing of it reached the mediator or storage; the mediator's edits still go through.
    mediator.doc.getText('note').insert(0, '调解员继续编辑');
    await mediator.acked();
    expect(mediator.doc.getText('flood').toString()).toBe('');
    const rows = await server.ctx.db.draftUpdate.findMany({ where: { docName: agreementDocName(kase.caseId) } });
    expect(rows.some((r) => Buffer.from(r.update).includes(Buffer.from('灌灌灌灌')))).toBe(false);
  });
});
