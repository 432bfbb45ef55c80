// A party on a phone (360×740): opens its link, confirms its identity, reads the
// 权利义务告知书 and acknowledges it with its consent (one act, both recorded), may then enter the
// room; ends the mediation from its page (confirm dialog), sees 调解已终止 and downloads the sealed
// 调解终结告知书. Real server, real Chromium, the PDF read back with pdftotext.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { addInvitedParty, createStaffUser, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { RoomTestClient } from '../support/room-client.ts';

const PHONE = { width: 360, height: 740 };
let server: TestServer;
let browser: TestBrowser;
let page: Page;
let mediator: StaffClient;
let caseId: string;
let party: { id: string; token: string; name: string; idNumber: string };

beforeAll(async () => {
  server = await startTestServer();
  const admin = await sharedStaffSession(server.url, server.admin);
  mediator = (await createStaffUser(admin, { username: 'legal-e2e', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' })).client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case.id;
  party = await addInvitedParty(mediator, caseId, { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' });
  await addInvitedParty(mediator, caseId, { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' });
  await mediator.json('POST', `/api/procedure/${caseId}/recusal/declare`, undefined, 200);
  const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
  await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
  browser = await launchBrowser({ viewport: PHONE });
  page = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function joinAck(): Promise<{ ok: boolean; code?: string }> {
  const c = new RoomTestClient(server.url, { token: party.token });
  try {
    await c.connected();
    return (await c.request('room:join', { caseId })) as { ok: boolean; code?: string };
  } finally {
    c.close();
  }
}

describe('a party on a phone', () => {
  it('reads and acknowledges the 权利义务告知书 before the room', async () => {
    await page.goto(`${server.url}/j/${party.token}`);
    await page.getByTestId('privacy-ack').click();
    await page.getByTestId('confirm-name').fill(party.name);
    await page.getByTestId('confirm-id4').fill(party.idNumber.slice(-4));
    await page.getByTestId('confirm-submit').click();
    const notice = page.getByTestId('rights-notice');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    for (const must of ['选择或者接受人民调解员', '要求终止调解', '保密', '司法确认', '虚假调解']) expect(text).toContain(must);
    // The notice fits the phone's width (no sideways scrolling).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect((await joinAck()).code).toBe('NOTICE_NOT_ACKNOWLEDGED');

    await page.getByTestId('consent-checkbox').check();
    await page.getByTestId('consent-submit').click();
    await page.getByTestId('party-done').waitFor();
    await expect.poll(async () => (await joinAck()).ok).toBe(true);
    await expect.poll(async () => await server.ctx.db.noticeAcknowledgement.count({ where: { participantId: party.id } })).toBe(1);
    expect((await page.getByTestId('recusal-declaration').textContent()) ?? '').toContain('李瑞芳');
  });

  it('ends the mediation from its page and downloads the 调解终结告知书', async () => {
    await page.getByTestId('end-mediation').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('mediation-ended').waitFor();
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('FAILED');
    expect((await page.getByTestId('mediation-ended').textContent()) ?? '').toContain('被申请人王某明确要求终止调解');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('termination-notice').click()]);
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    const text = pdftotext(writePdf(Buffer.concat(chunks))).replace(/\s+/g, '');
    expect(text).toContain('人民调解终结告知书');
    expect(text).toContain('被申请人王某明确要求终止调解');
    expect(text).toContain('第二十六条');
  });
});
