// The public application page in Chromium on a phone viewport, by clicking and typing only: the
// privacy notice before any field, the phone verified by the code the development SMS provider
// wrote (a wrong code first), the three screens, a photo, the registration number; then the
// follow page, which moves on by itself when a routing step is written; and the staff outbox page.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMatterEvent } from '../../signaling/intake/matter-events.ts';
import { startStage } from '../../signaling/intake/stage-deadline.ts';
import { launchBrowser, openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';
import { addStaff, lastCode, PNG_1PX, smsOutbox } from './public-support.ts';

const PHONE = '13600003001';
const SHOTS = 'test-artifacts/intake';
let server: TestServer;
let browser: TestBrowser;
let dispatcherCookie: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer({ NOTIFY_POLL_MS: '200' });
  dispatcherCookie = (await addStaff(server, { username: 'duty-e2e', displayName: '赵受理', role: 'DISPATCHER' })).client.cookie;
  browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('申请调解 on a phone', () => {
  it('goes through the three screens, registers the matter, and the follow page follows its steps', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/apply`);
    await page.getByTestId('apply-notice').waitFor();
    // The notice and consent come before any field.
    expect(await page.getByTestId('apply-phone').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/apply-1-notice.png`, fullPage: true });
    await page.getByTestId('apply-consent').click();
    await page.getByTestId('apply-phone').click();
    await page.keyboard.type(PHONE);
    await page.getByTestId('apply-send-code').click();
    await page.getByTestId('apply-code-sent').waitFor();
    expect(await page.getByTestId('apply-code-sent').textContent()).toContain('136****3001');
    const code = lastCode(server.dataDir, PHONE);
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByTestId('apply-code').click();
    await page.keyboard.type(wrong);
    await page.getByTestId('apply-verify').click();
    await page.locator('[data-testid="apply-error"][data-code="CODE_WRONG"]').waitFor();
    await page.getByTestId('apply-code').fill('');
    await page.getByTestId('apply-code').click();
    await page.keyboard.type(code);
    await page.getByTestId('apply-verify').click();
    await page.getByTestId('apply-phone-verified').waitFor();
    await page.getByTestId('apply-name').click();
    await page.keyboard.type('李某');
    await page.getByTestId('apply-address').click();
    await page.keyboard.type('青山区幸福路 6 号楼 5 单元 501');
    await page.getByTestId('apply-next').click();

    await page.getByTestId('apply-screen-2').waitFor();
    await page.getByTestId('apply-respondent-name').click();
    await page.keyboard.type('王某');
    await page.getByTestId('apply-respondent-phone').click();
    await page.keyboard.type('13900000002');
    await page.screenshot({ path: `${SHOTS}/apply-2-other-side.png`, fullPage: true });
    await page.getByTestId('apply-next').click();

    await page.getByTestId('apply-screen-3').waitFor();
    await page.getByTestId('apply-type').selectOption('NEIGHBOUR');
    await page.getByTestId('apply-summary').click();
    await page.keyboard.type('楼上六楼直饮水管道漏水，我家天花板和墙面受损，多次沟通没有结果。');
    await page.getByTestId('apply-place').click();
    await page.keyboard.type('青山区幸福路 6 号楼');
    await page.getByTestId('apply-photos').setInputFiles({ name: 'ceiling.png', mimeType: 'image/png', buffer: PNG_1PX });
    await page.getByTestId('apply-photo-count').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/apply-3-what-happened.png`, fullPage: true });
    await page.getByTestId('apply-submit').click();

    await page.getByTestId('apply-done').waitFor();
    const registrationNo = (await page.getByTestId('apply-registration-no').textContent())!;
    expect(registrationNo).toMatch(/^青山综受〔\d{4}〕第\d+号$/);
    const matter = await server.ctx.db.matter.findUniqueOrThrow({ where: { registrationNo }, include: { parties: true, attachments: true } });
    expect(matter).toMatchObject({ channel: 'ONLINE', status: 'REGISTERED' });
    expect(matter.parties.find((p) => p.role === 'APPLICANT')).toMatchObject({ name: '李某', phone: PHONE, phoneVerified: true });
    expect(matter.attachments).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}/apply-4-done.png`, fullPage: true });

    await page.getByTestId('apply-follow').click();
    await page.getByTestId('follow-page').waitFor();
    expect(await page.locator('[data-testid="follow-stage"][data-current="true"]').getAttribute('data-stage')).toBe('INTAKE');
    expect(await page.getByTestId('follow-person').textContent()).toBe('赵受理');
    expect(await page.getByTestId('follow-due').textContent()).toMatch(/前$/);
    // The link SMS carries this very page.
    await waitFor(() => smsOutbox(server.dataDir).some((l) => l.to === PHONE && l.text.includes(page.url())), 5000, 'the link SMS');

    // Staff route it (another helper's screen writes this step): the open page moves on by itself.
    const unit = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'youyi-committee' } });
    await server.ctx.db.$transaction(async (tx) => {
      const at = new Date();
      await tx.matter.update({ where: { id: matter.id }, data: { status: 'ROUTED', pendingUnitId: unit.id } });
      await recordMatterEvent(tx, matter.id, 'ROUTED', { toUnitId: unit.id }, '赵受理（受理员）', at);
      await startStage(tx, matter.id, 'ROUTED', at, '赵受理（受理员）');
    });
    await page.locator('[data-testid="follow-stage"][data-current="true"][data-stage="ROUTING"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="follow-step"][data-type="ROUTED"]').textContent()).toContain(unit.name);
    await page.screenshot({ path: `${SHOTS}/follow-routed.png`, fullPage: true });
    await page.close();
  }, 90_000);

  it('shows the dispatcher the outbox (numbers masked, links hidden) and the poster download', async () => {
    await waitFor(async () => (await server.ctx.db.notification.count({ where: { status: 'SENT' } })) >= 2, 5000, 'two notifications sent');
    const { browser: staffBrowser, page } = await openPage(server.url, { viewport: { width: 390, height: 844 }, cookieHeader: dispatcherCookie });
    try {
      await page.goto(`${server.url}/intake/public`);
      await page.getByTestId('outbox').waitFor();
      await page.getByTestId('outbox-row').first().waitFor();
      const text = (await page.getByTestId('outbox').textContent())!;
      expect(text).toContain('136****3001');
      expect(text).not.toContain(PHONE);
      expect(text).toContain('链接已隐去');
      expect(await page.getByTestId('poster-download').getAttribute('href')).toBe('/api/intake/public/poster.pdf');
    } finally {
      await staffBrowser.close();
    }
  }, 60_000);
});
