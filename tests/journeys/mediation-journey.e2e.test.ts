// The whole job, by clicking and typing only, on a freshly started server — #17's "from 告知书 to a
// served ruling": the administrator (first login) creates the mediator's and the judge's accounts
// and uploads the seal; the mediator opens the water-leak case, adds both parties with their
// addresses, sends each its link; the parties (phones) read and acknowledge the 权利义务告知书,
// confirm identity and consent; the mediator declares no conflict of interest (回避), admits them,
// talks to 甲方 背对背, ends the session, records the 调解笔录 and locks it; both parties sign the
// minutes on their phones (SMS code, drawn signature); the mediator fills the agreement from the
// template, saves and locks it; both parties accept every clause and sign (SMS code, drawn
// signature); the mediator signs and issues; both apply for 司法确认 and each signs the 申请书 (SMS
// code); the judge accepts (受理通知书, opened by a party), reviews and confirms; the ruling is
// served and each party opens it. No API shortcut: the API (and the SMS outbox, standing in for the
// parties' phones) is used only to read back and assert. A screenshot of every step is kept in
// test-artifacts/journeys/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { pdfsig, pdftotext, scratchDir, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { downloadWith, drawSignature, firstLoginByHand, photoFile, resetShots, shot, visibleText } from './journey-support.ts';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const PASSWORD = { admin: 'Centre-keeper-2026', mediator: 'Mediate-well-2026', judge: 'Court-review-2026' };
const PARTIES = [
  {
    key: 'A',
    role: 'APPLICANT',
    side: 'A',
    name: '刘某',
    phone: '13904721234',
    id: makeIdNumber('15020419780314201'),
    address: '内蒙古自治区包头市青山区青山路街道某小区3号楼1单元502室',
  },
  {
    key: 'B',
    role: 'RESPONDENT',
    side: 'B',
    name: '王某',
    phone: '15604729876',
    id: makeIdNumber('15020419820607151'),
    address: '内蒙古自治区包头市青山区青山路街道某小区3号楼1单元602室',
  },
] as const;
/** What the mediator types into the water-leak template's fill-ins and the 履行 block. */
const FILL_INS: Record<string, string> = {
  affectedAddress: '某小区3号楼1单元502室',
  sourceAddress: '同单元602室',
  leakStart: '2026年10月10日',
  leakSource: '直饮水管道',
  damage: '卫生间吊顶、卧室墙面及木地板',
  inspector: '社区网格员、物业维修人员',
  repairDeadline: '2027年1月10日',
  payDeadline: '2027年1月15日',
  payee: '刘某',
  damageItems: '卫生间吊顶、卧室墙面',
  amount: '8600',
};
const PERFORMANCE: Record<string, string> = {
  履行地点: '乙方房屋（维修）；甲方指定银行账户（付款）',
  履行期限: '2027年1月15日前',
  收款账户: '户名：刘某；开户行：中国工商银行包头青山支行；账号：6222020602009876543',
};

const sms = new SmsOutbox();
let server: TestServer;
const browsers: TestBrowser[] = [];
const pages: { admin?: Page; mediator?: Page; judge?: Page; A?: Page; B?: Page } = {};
const links: Record<string, string> = {};
let caseId = '';
const files: { agreement: Buffer[]; ruling: Buffer[] } = { agreement: [], ruling: [] };

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const browser = await launchBrowser({ viewport });
  browsers.push(browser);
  const page = await browser.context.newPage();
  // "Leave this page?" when navigating away from a room: the person says yes.
  page.on('dialog', (d) => void d.accept());
  return page;
}
/** Reading back (never setting): the case as its mediator's API sees it. */
let reader: StaffClient;
const caseStatus = async () => (await reader.json('GET', `/api/cases/${caseId}`)).case.status as string;

beforeAll(async () => {
  server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' }, { sms, keepInitialAdminPassword: true });
  reader = new StaffClient(server.url);
  resetShots();
}, 60_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('a case from creation to a served ruling, through the UI only', () => {
  it('the administrator sets up the centre: first login, the mediator and the judge, the seal', async () => {
    const page = (pages.admin = await newPage(DESKTOP));
    await firstLoginByHand(page, server.url, server.admin.username, server.admin.initialPassword, PASSWORD.admin);
    await page.getByRole('link', { name: '系统管理' }).click();
    for (const u of [
      { role: 'MEDIATOR', username: 'lirf', name: '李瑞芳', password: 'Initial-med-2026' },
      { role: 'JUDGE', username: 'zhaojudge', name: '赵法官', password: 'Initial-jud-2026' },
    ]) {
      await page.getByTestId('user-new').click();
      await page.getByTestId('user-role').selectOption(u.role);
      await page.getByTestId('user-username').fill(u.username);
      await page.getByTestId('user-display-name').fill(u.name);
      await page.getByTestId('user-password').fill(u.password);
      await page.getByTestId('user-submit').click();
      await page.locator(`[data-testid="user-row"][data-username="${u.username}"]`).waitFor();
    }
    const seal = path.join(scratchDir(), '青山调委会印章.png');
    writeFileSync(seal, strokePng(200, 200));
    await page.getByTestId('seal-file').setInputFiles(seal);
    await page.getByTestId('seal-preview').waitFor();
    await page.getByTestId('seal-upload').click();
    await page.getByTestId('seal-current').waitFor();
    // The phone a party is told to call when its link does not work.
    await page.getByTestId('org-phone').fill('0472-5126688');
    await page.getByTestId('org-phone-save').click();
    await expect.poll(async () => (await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } })).phone).toBe('0472-5126688');
    await shot(page, 'admin', 'accounts-and-seal');
    expect(await server.ctx.db.user.count({ where: { role: { in: ['MEDIATOR', 'JUDGE'] } } })).toBe(2);
  });

  it('the mediator opens the case, adds both parties with their addresses and sends their links', async () => {
    const page = (pages.mediator = await newPage(DESKTOP));
    await firstLoginByHand(page, server.url, 'lirf', 'Initial-med-2026', PASSWORD.mediator);
    await reader.login('lirf', PASSWORD.mediator);
    await page.goto(server.url);
    await page.getByTestId('new-case-button').click();
    await page.getByTestId('case-title').fill('楼上直饮水管道漏水纠纷');
    await page.getByTestId('case-dispute-type').selectOption('NEIGHBOUR');
    await page.getByTestId('case-summary').fill('602室直饮水管道多次漏水，导致楼下502室卫生间吊顶、卧室墙面及木地板受损。');
    await page.getByTestId('case-submit').click();
    await page.getByTestId('case-number').waitFor();
    caseId = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(await caseStatus()).toBe('ACCEPTED');

    for (const p of PARTIES) {
      await page.getByTestId('participant-role').selectOption(p.role);
      await page.getByTestId('participant-side').selectOption(p.side);
      await page.getByTestId('participant-name').fill(p.name);
      await page.getByTestId('participant-phone').fill(p.phone);
      await page.getByTestId('participant-id').fill(p.id);
      await page.getByTestId('participant-ethnicity').fill('汉族');
      await page.getByTestId('participant-address').fill(p.address);
      await page.getByTestId('participant-submit').click();
      const row = page.getByTestId('participant-row').filter({ hasText: p.name });
      await row.waitFor();
      await row.getByTestId('invite-create').click();
      links[p.key] = (await row.getByTestId('invite-url').textContent())!.trim();
      expect(links[p.key]).toMatch(new RegExp(`^${server.url}/j/`));
    }
    await shot(page, 'mediator', 'case-with-parties');
  });

  it('each party opens its link on a phone, confirms identity, consents and waits in the lobby', async () => {
    for (const p of PARTIES) {
      const page = (pages[p.key] = await newPage(PHONE));
      await page.goto(links[p.key]!);
      // The 个人信息处理告知书 comes first (PIPL art. 17).
      await page.getByTestId('privacy-ack').click();
      await page.getByTestId('confirm-name').fill(p.name);
      await page.getByTestId('confirm-id4').fill(p.id.slice(-4));
      await page.getByTestId('confirm-submit').click();
      // The 权利义务告知书 (RT 23–24): read before the room, acknowledged with one explicit act.
      const notice = (await page.getByTestId('rights-notice').textContent()) ?? '';
      for (const must of ['权利义务告知书', '终止调解', '司法确认']) expect(notice).toContain(must);
      await page.getByTestId('consent-checkbox').check();
      await page.getByTestId('consent-submit').click();
      await page.getByTestId('party-done').waitFor();
      // The separate consents this journey needs later: signature, the agreement's bank account, ID photo, the court.
      for (const purpose of ['SIGNATURE', 'BANK_ACCOUNT', 'ID_IMAGES', 'COURT']) {
        await page.getByTestId(`consent-give-${purpose}`).click();
        await page.getByTestId(`consent-withdraw-${purpose}`).waitFor();
      }
      // Nothing to sign or apply for yet.
      expect(await page.getByTestId('open-signing').count()).toBe(0);
      expect(await page.getByTestId('open-judicial').count()).toBe(0);
      await shot(page, `party${p.key}`, 'consented');
      await page.getByTestId('enter-room').click();
      await page.getByTestId('prejoin-join').click({ timeout: 20_000 });
      await page.getByTestId('lobby-waiting').waitFor();
    }
  });

  it('a re-issued link replaces the old one: the old link names whom to call, the new one works', async () => {
    const m = pages.mediator!;
    const row = m.getByTestId('participant-row').filter({ hasText: PARTIES[0].name });
    await row.getByTestId('invite-create').click();
    await expect.poll(async () => (await row.getByTestId('invite-url').textContent())!.trim()).not.toBe(links.A);
    const old = links.A!;
    links.A = (await row.getByTestId('invite-url').textContent())!.trim();
    await shot(m, 'mediator', 'link-reissued');
    const a = pages.A!;
    await a.goto(old);
    await a.locator('[data-testid="party-error"][data-code="TOKEN_REVOKED"]').waitFor();
    await expect.poll(() => a.getByTestId('party-error-contact').textContent()).toContain('李瑞芳');
    expect(await a.getByTestId('party-error-contact').textContent()).toContain('0472-5126688');
    await shot(a, 'partyA', 'old-link');
    await a.goto(links.A);
    await a.getByTestId('enter-room').click();
    await a.getByTestId('prejoin-join').click({ timeout: 20_000 });
    await a.getByTestId('lobby-waiting').waitFor();
  });

  it('the mediator sees both acknowledgements of the 告知书 and declares no conflict of interest (回避)', async () => {
    const m = pages.mediator!;
    await m.goto(`${server.url}/cases/${caseId}`);
    const acks = m.getByTestId('notice-acknowledgements');
    await expect.poll(async () => ((await acks.textContent()) ?? '').match(/已确认/g)?.length ?? 0).toBe(2);
    await m.getByTestId('declare-recusal').click();
    await expect.poll(() => m.getByTestId('recusal-declaration').textContent()).toContain('声明与本案当事人无利害关系');
    await shot(m, 'mediator', 'notice-and-recusal');
  });

  it('the mediator admits both, talks to 甲方 背对背, brings everyone back and ends the session', async () => {
    const m = pages.mediator!;
    await m.goto(`${server.url}/cases/${caseId}`);
    await m.getByTestId('enter-room').click();
    await m.getByTestId('prejoin-join').click({ timeout: 20_000 });
    await m.getByTestId('room').waitFor();
    // Entering the room moved the case along (受理 → 分流 → 调解中).
    await expect.poll(caseStatus).toBe('MEDIATING');
    if (!(await m.getByTestId('lobby-admit-all').isVisible())) await m.getByTestId('toolbar-lobby').click();
    await m.getByTestId('lobby-admit-all').click();
    for (const key of ['A', 'B'] as const) await pages[key]!.getByTestId('room').waitFor({ timeout: 20_000 });
    await expect.poll(() => m.getByTestId('room-tile').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await shot(m, 'mediator', 'joint-session');

    if (!(await m.getByTestId('caucus-side-A').isVisible())) await m.getByTestId('toolbar-caucus').click();
    await m.getByTestId('caucus-side-A').click();
    await pages.B!.getByTestId('caucus-waiting').waitFor();
    await shot(pages.B!, 'partyB', 'waiting-during-caucus');
    if (!(await m.getByTestId('caucus-end-all').isVisible())) await m.getByTestId('toolbar-caucus').click();
    await m.getByTestId('caucus-end-all').click();
    await pages.B!.getByTestId('caucus-waiting').waitFor({ state: 'detached' });

    await m.getByTestId('end-session').click();
    await m.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
    for (const key of ['A', 'B'] as const) await pages[key]!.getByTestId('room-final-message').waitFor({ timeout: 20_000 });
    await shot(pages.A!, 'partyA', 'session-ended');
  });

  it('the mediator records the 调解笔录 and locks it; both parties sign it on their phones with an SMS code', async () => {
    const m = pages.mediator!;
    await m.goto(`${server.url}/cases/${caseId}`);
    const lines: Array<[string, string, string]> = [
      ['STATEMENT', 'A', '申请人称602室直饮水管道漏水，致其卫生间吊顶、卧室墙面及木地板受损。'],
      ['PROPOSAL', 'B', '被申请人同意维修管道并赔偿损失。'],
      ['OUTCOME', '', '双方同意由被申请人维修并赔偿人民币8600元。'],
    ];
    for (const [i, [kind, side, text]] of lines.entries()) {
      await m.getByTestId('minutes-kind').selectOption(kind);
      await m.getByTestId('minutes-side').selectOption(side);
      await m.getByTestId('minutes-text').fill(text);
      await m.getByTestId('minutes-add').click();
      await expect.poll(() => m.getByTestId('minutes-entries').locator('li').count()).toBe(i + 1);
    }
    await m.getByTestId('minutes-lock').click();
    await m.locator('[data-testid="minutes-record"][data-status="OPEN"]').waitFor();
    for (const p of PARTIES) {
      const page = pages[p.key]!;
      await page.goto(links[p.key]!);
      await expect.poll(() => page.getByTestId('minutes-review').textContent()).toContain('赔偿人民币8600元');
      await page.getByTestId('minutes-name').fill(p.name);
      await page.getByTestId('minutes-id4').fill(p.id.slice(-4));
      await page.getByTestId('minutes-send-code').click();
      await page.getByTestId('minutes-code-sent').waitFor();
      // The same ceremony as the agreement: the code goes to this party's own phone and names the minutes.
      expect(sms.messages.at(-1)!).toMatchObject({ phone: p.phone, text: expect.stringContaining('调解笔录') });
      await page.getByTestId('minutes-code').fill(sms.lastCode());
      await drawSignature(page, 'minutes-signature');
      await page.getByTestId('minutes-affirmation').fill('本人已核对调解笔录，记录属实');
      await shot(page, `party${p.key}`, 'minutes-signing');
      await page.getByTestId('minutes-sign').click();
      await page.getByTestId('minutes-sign').waitFor({ state: 'detached', timeout: 15_000 });
    }
    await m.reload();
    await m.locator('[data-testid="minutes-record"][data-status="COMPLETED"]').waitFor({ timeout: 20_000 });
    const minutes = writePdf(await downloadWith(m, 'minutes-pdf'));
    expect(pdfsig(minutes)).toContain('Signature Validation: Signature is Valid.');
    const text = pdftotext(minutes).replace(/\s+/g, '');
    for (const must of ['人民调解笔录', '李瑞芳', '声明与本案当事人无利害关系', '赔偿人民币8600元', '申请人（签名）', '被申请人（签名）'])
      expect(text).toContain(must);
    await shot(m, 'mediator', 'minutes-signed');
  });

  it('the mediator fills the agreement from the template (no raw placeholders), saves a version and locks it', async () => {
    const m = pages.mediator!;
    await m.goto(`${server.url}/cases/${caseId}`);
    await m.getByTestId('open-agreement').click();
    await m.locator('[data-testid="agreement-editor"][data-synced="true"][data-scope="read-write"]').waitFor({ timeout: 15_000 });
    expect(await visibleText(m)).not.toContain('{{');

    for (const [key, value] of Object.entries(FILL_INS)) {
      const inputs = m.locator(`[data-testid="clause-field"][data-field="${key}"] input`);
      // A value used in several places is entered once: the first input fills them all.
      const input = inputs.first();
      if ((await input.inputValue()) === value) continue;
      await input.fill(value);
      await input.press('Enter');
    }
    for (const [label, value] of Object.entries(PERFORMANCE)) {
      const input = m.getByLabel(label, { exact: true });
      await input.fill(value);
      await input.press('Enter');
    }
    await expect.poll(() => m.getByTestId('checker-count').getAttribute('data-errors'), { timeout: 15_000 }).toBe('0');
    expect(await visibleText(m)).not.toContain('{{');
    await shot(m, 'mediator', 'agreement-filled');
    await m.getByTestId('version-name').fill('签署版');
    await m.getByTestId('version-save').click();
    await m.getByTestId('version-row').first().waitFor();

    await m.goto(`${server.url}/cases/${caseId}`);
    await m.getByTestId('signing-lock').click();
    await m.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
    await m.locator('[data-testid="staff-signing"][data-status="OPEN"]').waitFor();
    await shot(m, 'mediator', 'locked');
  });

  it('both parties accept every clause and sign on their phones', async () => {
    for (const p of PARTIES) {
      const page = pages[p.key]!;
      await page.goto(links[p.key]!);
      await page.getByTestId('open-signing').click();
      await page.getByTestId('signing-clause').first().waitFor();
      const clauses = await page.getByTestId('signing-clause').count();
      for (let i = 0; i < clauses; i++) {
        await page.getByTestId('clause-accept').first().click();
        await page.locator('[data-testid="signing-clause"][data-accepted="true"]').nth(i).waitFor();
      }
      await page.getByTestId('sign-name').fill(p.name);
      await page.getByTestId('sign-id4').fill(p.id.slice(-4));
      await page.getByTestId('sign-send-code').click();
      await page.getByTestId('sign-code-sent').waitFor();
      // The code arrives by SMS on the party's own phone.
      expect(sms.messages.at(-1)!.phone).toBe(p.phone);
      await page.getByTestId('sign-code').fill(sms.lastCode());
      await drawSignature(page, 'signature-pad');
      await page.getByTestId('sign-affirmation').fill(AFFIRMATION);
      await shot(page, `party${p.key}`, 'signing');
      await page.getByTestId('sign-submit').click();
      await page.getByTestId('signing-signed').waitFor({ timeout: 15_000 });
    }
  });

  it('the mediator signs last and issues; everyone downloads the same signed agreement', async () => {
    const m = pages.mediator!;
    await m.getByTestId('mediator-signature-pad').waitFor({ timeout: 20_000 });
    await drawSignature(m, 'mediator-signature-pad');
    await m.getByTestId('mediator-sign').click();
    await m.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
    await m.locator('[data-testid="staff-signing"][data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
    await shot(m, 'mediator', 'issued');
    files.agreement.push(await downloadWith(m, 'signing-download'));
    for (const key of ['A', 'B'] as const) {
      await pages[key]!.reload();
      files.agreement.push(await downloadWith(pages[key]!, 'signing-download'));
    }
    for (const f of files.agreement) expect(f.equals(files.agreement[0]!)).toBe(true);
    const file = writePdf(files.agreement[0]!);
    expect(pdfsig(file)).toContain('Signature Validation: Signature is Valid.');
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const p of PARTIES) expect(text).toContain(p.address);
    expect(text).toContain('直饮水管道');
    expect(text).not.toContain('{{');
    expect(await caseStatus()).toBe('SIGNED');
  });

  it('both parties apply for 司法确认 (phone on file pre-filled) with a photo of their ID card', async () => {
    for (const p of PARTIES) {
      const page = pages[p.key]!;
      await page.goto(links[p.key]!);
      await page.getByTestId('open-judicial').click();
      await page.getByTestId('judicial-submit').waitFor();
      expect(await page.getByTestId('judicial-phone').inputValue()).toBe(p.phone);
      if (!(await page.getByTestId('judicial-address').inputValue())) await page.getByTestId('judicial-address').fill(p.address);
      // 送达地址确认书: the court may serve its documents electronically.
      await page.getByTestId('judicial-eservice').check();
      await page.getByTestId('judicial-submit').click();
      await page.getByTestId('judicial-materials').waitFor();
      await page.getByTestId('judicial-file').setInputFiles(photoFile(scratchDir(), `身份证正面-${p.name}.jpg`));
      await page.getByTestId('judicial-material').first().waitFor();
      await shot(page, `party${p.key}`, 'applied');
    }
    // The application is the parties' own: each signs the 司法确认申请书 before it reaches the court.
    for (const p of PARTIES) {
      const page = pages[p.key]!;
      await page.getByTestId('application-sign').waitFor();
      await page.getByTestId('application-sign-name').fill(p.name);
      await page.getByTestId('application-sign-id').fill(p.id.slice(-4));
      await page.getByTestId('application-sign-send-code').click();
      await page.getByTestId('application-sign-code-sent').waitFor();
      expect(sms.messages.at(-1)!).toMatchObject({ phone: p.phone, text: expect.stringContaining('司法确认申请书') });
      await page.getByTestId('application-sign-code').fill(sms.lastCode());
      await page.getByTestId('application-sign-affirmation').fill('本人自愿申请司法确认，所述属实');
      await drawSignature(page, 'application-signature-pad');
      await page.getByTestId('application-sign-submit').click();
      await page.getByTestId('application-sign').waitFor({ state: 'detached' });
      await shot(page, `party${p.key}`, 'application-signed');
    }
  });

  it('the judge (first login) accepts, reviews the intact agreement and confirms it', async () => {
    const page = (pages.judge = await newPage(DESKTOP));
    await firstLoginByHand(page, server.url, 'zhaojudge', 'Initial-jud-2026', PASSWORD.judge);
    await page.goto(server.url);
    await page.locator('[data-testid="judge-application"][data-status="SUBMITTED"]').getByTestId('judge-open').click();
    await page.getByTestId('judge-accept').click();
    // The 受理通知书 is served to the parties (both consented to electronic service); 甲方 opens it on its phone.
    const a = pages.A!;
    await a.reload();
    const acceptance = a.locator('[data-testid="court-document"][data-kind="ACCEPTANCE_NOTICE"]');
    await acceptance.waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([a.waitForEvent('download'), acceptance.getByRole('button').click()]);
    const chunks: Buffer[] = [];
    for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
    expect(pdftotext(writePdf(Buffer.concat(chunks))).replace(/\s+/g, '')).toContain('符合受理条件，决定立案受理');
    await a.reload();
    await a.locator('[data-testid="court-document"][data-kind="ACCEPTANCE_NOTICE"][data-opened="true"]').waitFor();
    await shot(a, 'partyA', 'acceptance-opened');
    await page.getByTestId('judge-start-review').click();
    await page.locator('[data-testid="judge-review"][data-status="REVIEWING"]').waitFor();
    expect(await page.getByTestId('integrity-panel').getAttribute('data-intact')).toBe('true');
    for (const ground of await page.getByTestId('review-ground').all()) await ground.check();
    await page.getByTestId('review-notes').fill('经审查，协议系双方自愿达成，内容明确，不违反法律规定。');
    // The decision buttons say why they wait.
    expect(await page.getByTestId('judge-confirm').isDisabled()).toBe(true);
    expect(await page.getByTestId('judge-decide-reason').textContent()).toContain('书记员');
    await page.getByTestId('judge-clerk').fill('刘书记');
    expect(await page.getByTestId('judge-confirm').isEnabled()).toBe(true);
    await shot(page, 'judge', 'review');
    await page.getByTestId('judge-confirm').click();
    await page.getByTestId('confirm-dialog').getByTestId('confirm-ok').click();
    await page.getByTestId('judge-decided').waitFor({ timeout: 30_000 });
    files.ruling.push(await downloadWith(page, 'judge-ruling-download'));
    await shot(page, 'judge', 'decided');
  });

  it('each party downloads the ruling (served), and the case is 已确认', async () => {
    for (const key of ['A', 'B'] as const) {
      const page = pages[key]!;
      await page.reload();
      await page.locator('[data-testid="judicial-status"][data-status="CONFIRMED"]').waitFor();
      expect(await page.getByTestId('judicial-days-left').count()).toBe(0);
      files.ruling.push(await downloadWith(page, 'ruling-download'));
      await shot(page, `party${key}`, 'ruling');
    }
    for (const f of files.ruling) expect(f.equals(files.ruling[0]!)).toBe(true);
    const file = writePdf(files.ruling[0]!);
    expect(pdfsig(file)).toContain('Signature Validation: Signature is Valid.');
    expect(pdftotext(file).replace(/\s+/g, '')).toContain('调解协议有效');
    expect(await caseStatus()).toBe('CONFIRMED');
    // Both parties consented to electronic service: each one's download served it, as the judge's list shows.
    await pages.judge!.goto(server.url);
    await pages.judge!.locator('[data-testid="judge-application"][data-status="CONFIRMED"] [data-testid="ruling-service"][data-served="2"]').waitFor();
    await shot(pages.judge!, 'judge', 'served');
  });
});
