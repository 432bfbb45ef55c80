// A party objects to a clause instead of only 同意本条 (issue 13, item 10): the objection goes to
// the mediator as a comment on that clause in the agreement editor, audited, and the party's page
// says it was sent. Parties are never shown a raw hash: the signing page says in words that the
// content is locked, the SHA-256 waits collapsed under 技术信息.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { makeIdNumber, startTestServer, type TestServer } from '../support/server.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement, SmsOutbox } from './signing-support.ts';

const HEX64 = /[0-9a-f]{64}/i;
const sms = new SmsOutbox();
let server: TestServer;
let kase: DraftCase;
const browsers: TestBrowser[] = [];

async function newPage(viewport: { width: number; height: number }, cookieHeader?: string): Promise<Page> {
  const { browser, page } = await openPage(server.url, { viewport, ...(cookieHeader ? { cookieHeader } : {}) });
  browsers.push(browser);
  return page;
}

const visibleText = (page: Page) => page.evaluate(() => document.body.innerText);

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  kase = await setUpDraftCase(server.url, server.admin);
  const mediatorId = ((await (await kase.mediator.request('GET', '/api/auth/me')).json()) as { user: { id: string } }).user.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(kase.caseId, async () => undefined);
  await fillLoanAgreement(server, kase.caseId, mediatorId);
  await kase.mediator.json('POST', `/api/agreements/${kase.caseId}/versions`, { name: '签署版' }, 201);
  await kase.mediator.json('POST', `/api/signing/${kase.caseId}/lock`, {}, 201);
});
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('objecting to a clause', () => {
  it('a party objects to a clause on its signing page; the mediator sees the objection on that clause', async () => {
    const a = await newPage({ width: 390, height: 844 });
    await a.goto(`${server.url}/j/${kase.tokenA}`);
    await a.getByTestId('confirm-name').fill('李某');
    await a.getByTestId('confirm-id4').fill(makeIdNumber('15020419750312101').slice(-4));
    await a.getByTestId('confirm-submit').click();
    await a.getByTestId('consent-checkbox').check();
    await a.getByTestId('consent-submit').click();
    expect(await visibleText(a)).not.toMatch(HEX64);
    await a.getByTestId('open-signing').click();
    await a.getByTestId('signing-clause').first().waitFor();

    // No raw hash on the party's page; a plain statement instead, the hash under 技术信息.
    expect(await visibleText(a)).not.toMatch(HEX64);
    expect(await a.getByTestId('signing-integrity').innerText()).toContain('协议内容已锁定');

    const clause = a.getByTestId('signing-clause').nth(1);
    const clauseId = (await clause.getAttribute('data-clause-id'))!;
    await clause.getByTestId('clause-object').click();
    await clause.getByTestId('objection-text').fill('还款期限太短，希望延长到六个月');
    await clause.getByTestId('objection-send').click();
    await clause.getByTestId('clause-objected').waitFor();
    expect(await clause.getAttribute('data-accepted')).toBe('false');
    // Still free to agree later.
    expect(await clause.getByTestId('clause-accept').count()).toBe(1);

    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: kase.caseId, type: 'CLAUSE_OBJECTED' } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ clauseId, participantId: kase.partyAId, byName: '李某' });
    expect(audit[0]!.actorType).toBe('party');

    // The mediator's editor shows it on the clause, marked as an objection.
    const m = await newPage({ width: 1280, height: 900 }, kase.mediator.cookie);
    await m.goto(`${server.url}/cases/${kase.caseId}/agreement`);
    const comment = m.locator(`[data-testid="clause"][data-clause-id="${clauseId}"] [data-testid="comment"][data-objection="true"]`);
    await comment.waitFor({ timeout: 20_000 });
    expect(await comment.innerText()).toContain('还款期限太短，希望延长到六个月');
    expect(await comment.innerText()).toContain('异议');
  }, 90_000);

  it('an objection needs words and a clause of the locked version', async () => {
    const api = async (body: unknown) =>
      fetch(`${server.url}/api/signing/${kase.caseId}/objections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${kase.tokenA}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: kase.caseId, status: 'OPEN' } });
    const clauses = (JSON.parse(round.snapshot) as { clauses: Array<{ id: string }> }).clauses;
    const res = await api({ clauseId: clauses[0]!.id, clauseSha256: '0'.repeat(64), text: '不同意' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('CLAUSE_CHANGED');
  });
});
