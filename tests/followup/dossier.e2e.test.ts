// #16 item 5 in real Chromium, clicks only: on a case that ended 调解不成 the mediator sees on the
// case page that it can be archived and for how long, archives it behind the confirmation, sees
// the archived state (10 years by the archive policy's default), and downloads the sealed dossier
// — the same file whose SHA-256 the archive recorded, valid from the bytes alone.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import { createHash } from 'node:crypto';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { addInvitedParty, createStaffUser, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediator: StaffClient;
let caseId: string;
let browser: TestBrowser | null = null;

async function download(page: Page, testId: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const chunks: Buffer[] = [];
  for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = await startTestServer();
  const admin = await sharedStaffSession(server.url, server.admin);
  mediator = (await createStaffUser(admin, { username: 'dossier-e2e', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-e2e-1' })).client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case.id as string;
  await addInvitedParty(mediator, caseId, { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' });
  await mediator.json('POST', `/api/cases/${caseId}/transition`, { to: 'FAILED', reason: '被申请人拒绝调解' }, 200);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('电子卷宗与归档 on the case page', () => {
  it('the mediator archives the closed case and downloads the sealed dossier', async () => {
    const opened = await openPage(server.url, { viewport: { width: 390, height: 844 }, cookieHeader: mediator.cookie });
    browser = opened.browser;
    const page = opened.page;
    await page.goto(`${server.url}/cases/${caseId}`);
    const card = page.getByTestId('dossier-card');
    await card.getByTestId('dossier-not-archived').waitFor();
    expect(await card.textContent()).toContain('归档后保管 10 年');

    await card.getByTestId('dossier-archive').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.textContent()).toContain('归档后案件信息、当事人、协议、笔录等不能再修改');
    await dialog.getByRole('button', { name: '确认归档' }).click();
    await card.getByTestId('dossier-archived').waitFor();
    const archived = (await card.getByTestId('dossier-archived').textContent()) ?? '';
    expect(archived).toContain('调解不成');
    expect(archived).toContain('保管期限 10 年');
    expect(archived).toContain('国家档案局令第8号');

    const pdf = await download(page, 'dossier-download');
    const row = await server.ctx.db.caseArchive.findUniqueOrThrow({ where: { caseId } });
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(row.dossierSha256);
    const verdict = verifyPdf(pdf, { pinnedRoots: [server.signingIdentity.rootFingerprint] });
    expect(verdict.problems).toEqual([]);
    expect(verdict.valid && verdict.trustedRoot).toBe(true);
    // The archive button is gone; the case refuses changes.
    expect(await card.getByTestId('dossier-archive').count()).toBe(0);
    const edit = await mediator.request('PATCH', `/api/cases/${caseId}`, { title: '改名' });
    expect((await edit.json()).code).toBe('CASE_ARCHIVED');
  }, 90_000);
});
