// End to end in Debian's Chromium: a mediator logs in (changing the password the administrator
// set, as the first login requires), opens a case, adds two parties,
// copies a party's invitation link, and the party opens it on a phone-sized page,
// confirms identity and consents to online mediation — all recorded in the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

describe('mediator → party case flow in a real browser', () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    await admin.json('POST', '/api/users', { username: 'lirf', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' }, 201);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a case with two parties and a party consents through its link', async () => {
    const { context } = browser;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });

    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').fill('lirf');
    await page.getByTestId('login-password').fill('mediator-pass-1');
    await page.getByTestId('login-submit').click();
    // The administrator set this password: the first login goes to 账号 → 修改密码 and nowhere else.
    await page.locator('[data-testid="password-form"][data-required="true"]').waitFor();
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid="password-form"][data-required="true"]').waitFor();
    await page.getByTestId('password-current').fill('mediator-pass-1');
    await page.getByTestId('password-new').fill('mediator-pass-2');
    await page.getByTestId('password-repeat').fill('mediator-pass-2');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('new-case-button').click();
    await page.getByTestId('case-title').fill('王某家直饮水管漏水纠纷');
    await page.getByTestId('case-dispute-type').selectOption('NEIGHBOUR');
    await page.getByTestId('case-summary').fill('6楼住户王某家中直饮水管道多次漏水，导致楼下多户居民财产受损。');
    await page.getByTestId('case-submit').click();
    await expect.poll(() => page.getByTestId('case-number').textContent()).toMatch(/^青山调〔\d{4}〕第1号$/);

    const parties = [
      { role: 'APPLICANT', side: 'A', name: '李某', phone: '13800138001', id: makeIdNumber('15020419750312101') },
      { role: 'RESPONDENT', side: 'B', name: '王某', phone: '13800138002', id: makeIdNumber('15020419800101123') },
    ];
    for (const p of parties) {
      await page.getByTestId('participant-role').selectOption(p.role);
      await page.getByTestId('participant-side').selectOption(p.side);
      await page.getByTestId('participant-name').fill(p.name);
      await page.getByTestId('participant-phone').fill(p.phone);
      await page.getByTestId('participant-id').fill(p.id);
      await page.getByTestId('participant-submit').click();
      await expect.poll(() => page.getByTestId('participant-row').filter({ hasText: p.name }).count()).toBe(1);
    }
    // Identity numbers are only ever shown masked.
    const wangRow = page.getByTestId('participant-row').filter({ hasText: '王某' });
    expect(await wangRow.getByTestId('participant-id-masked').textContent()).toBe(`${parties[1]!.id.slice(0, 1)}*****************`);
    expect(await page.content()).not.toContain(parties[1]!.id);

    await wangRow.getByTestId('invite-create').click();
    await wangRow.getByTestId('invite-url').waitFor();
    await expect.poll(() => wangRow.getByTestId('invite-qr').count()).toBeGreaterThan(0);
    await wangRow.getByTestId('invite-copy').click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${server.url}/j/[a-z0-9]+\\.[A-Za-z0-9_-]{32}$`));
    expect(await wangRow.getByTestId('invite-url').textContent()).toContain(link);

    // The party opens the link in its own (phone-sized) browser context.
    const partyBrowser = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const party = await partyBrowser.context.newPage();
      await party.goto(link);
      await expect.poll(() => party.getByTestId('party-self').textContent()).toContain('王某');
      expect(await party.getByTestId('party-case-number').textContent()).toMatch(/青山调/);
      await party.getByTestId('privacy-ack').click();
      await party.getByTestId('confirm-name').fill('王某');
      await party.getByTestId('confirm-id4').fill('0000');
      await party.getByTestId('confirm-submit').click();
      await expect.poll(() => party.getByTestId('error-banner').first().textContent()).toContain('不一致');
      await party.getByTestId('confirm-id4').fill(parties[1]!.id.slice(-4));
      await party.getByTestId('confirm-submit').click();
      await party.getByTestId('consent-checkbox').check();
      await party.getByTestId('consent-submit').click();
      await party.getByTestId('party-done').waitFor();
    } finally {
      await partyBrowser.close();
    }

    // Back on the case page: badges and the audit trail show what the party did.
    await page.reload();
    const row = page.getByTestId('participant-row').filter({ hasText: '王某' });
    await row.getByTestId('badge-consent').waitFor();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBeGreaterThanOrEqual(7);
    const auditTypes = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(auditTypes).toEqual(
      expect.arrayContaining([
        'CASE_CREATED',
        'PARTICIPANT_ADDED',
        'INVITATION_CREATED',
        'INVITATION_USED',
        'PARTY_IDENTITY_FAILED',
        'PARTY_IDENTITY_CONFIRMED',
        'PARTY_CONSENT_GIVEN',
      ]),
    );
    expect(await page.getByTestId('audit-chain-status').getAttribute('data-ok')).toBe('true');

    const stored = await server.ctx.db.participant.findFirstOrThrow({ where: { name: '王某' } });
    expect(stored.consentAt).not.toBeNull();
    expect(cspViolations).toEqual([]);
  });
});
