// 批量导入 by clicking and typing, on a 360 px phone in Chromium: the dispatcher logs in, opens 批量导入
// from the navigation, downloads the template, uploads a file with bad rows — the page names each
// bad row and column and says nothing was imported, and indeed nothing was — then a good file: the
// matters appear in the database and the report lists each with its registration number, linked
// to the matter's page.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_MIME } from '../../signaling/intake-desk/import/columns.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { unitStaff } from './desk-helpers.ts';
import { financialDisputeRow, importXlsx, type ImportCells } from './import-files.ts';

const PHONE = { width: 360, height: 740 };

describe('批量导入 page', () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser({ viewport: PHONE });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const stored = async () => ({
    matters: await server.ctx.db.matter.count(),
    cases: await server.ctx.db.case.count(),
    participants: await server.ctx.db.participant.count(),
    invitations: await server.ctx.db.invitation.count(),
  });

  it('a bad file is refused with each error named and nothing imported; a good file becomes matters listed in the report', async () => {
    const dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', 'piliang', '批量受理员');
    const mediator = await unitStaff(server, 'financial', 'MEDIATOR', 'jinrongtj', '金融调解员甲');
    const page = await browser.context.newPage();

    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').click();
    await page.keyboard.type('piliang');
    await page.getByTestId('login-password').click();
    await page.keyboard.type(dispatcher.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-form').waitFor({ timeout: 15_000 });
    // Before any upload: the empty answer explains what will appear.
    expect(await page.getByTestId('import-answer').textContent()).toContain('还没有导入');

    // The template downloads as an .xlsx.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
    expect(download.suggestedFilename()).toBe('批量导入模板.xlsx');
    expect(
      readFileSync((await download.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    // The financial unit and its mediator are chosen already (the only one with a mediator).
    expect(await page.getByTestId('import-unit').locator('option:checked').textContent()).toContain('金融');
    expect(await page.getByTestId('import-mediator').locator('option:checked').textContent()).toBe('金融调解员甲');

    // A file with bad rows.
    const before = await stored();
    const bad: ImportCells[] = [
      financialDisputeRow(0),
      { ...financialDisputeRow(1), respondentPhone: '1234567' },
      financialDisputeRow(2),
      { ...financialDisputeRow(3), summary: '', disputeType: '借钱不还' },
    ];
    await page.getByTestId('import-file').setInputFiles({ name: '某银行逾期贷款.xlsx', mimeType: XLSX_MIME, buffer: await importXlsx(bad) });
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-rejected').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-rejected-message').textContent()).toContain('未导入任何记录');
    const errors = await page.getByTestId('import-error').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(errors.map(([row, field]) => [row, field])).toEqual([
      ['第 3 行', '被申请人手机号码'],
      ['第 5 行', '纠纷类型'],
      ['第 5 行', '案情摘要'],
    ]);
    expect(errors[2]![2]).toBe('必填，不能为空');
    expect(await stored()).toEqual(before);
    // Focus moved to the answer, which says what happened.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('文件未导入');

    // The corrected file. One borrower came to the window last week: the matter page shows it.
    const good = [financialDisputeRow(10), financialDisputeRow(11), financialDisputeRow(12)];
    const atWindow = await dispatcher.client.json<{ matter: { id: string; registrationNo: string } }>(
      'POST',
      '/api/intake/registrations',
      {
        channel: 'WINDOW',
        disputeType: 'FINANCIAL_LOAN',
        title: '银行催收借款',
        summary: '银行多次电话催收，本人对逾期利息有异议',
        parties: [{ role: 'APPLICANT', name: String(good[0]!.respondentName), idNumber: String(good[0]!.respondentIdNumber) }],
      },
      201,
    );
    const beforeGood = await stored();
    await page.getByTestId('import-file').setInputFiles({ name: '某银行逾期贷款（改）.xlsx', mimeType: XLSX_MIME, buffer: await importXlsx(good) });
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-count').textContent()).toBe('3');
    expect(await page.getByTestId('import-links').textContent()).toContain('已向双方当事人发送调解邀请链接 6 条');

    const after = await stored();
    expect([
      after.matters - beforeGood.matters,
      after.cases - beforeGood.cases,
      after.participants - beforeGood.participants,
      after.invitations - beforeGood.invitations,
    ]).toEqual([3, 3, 6, 6]);
    const imported = await server.ctx.db.matter.findMany({ where: { channel: 'IMPORT' }, orderBy: { registrationNo: 'asc' }, include: { case: true } });
    expect(imported.map((m) => [m.ownerUserId, m.case?.mediatorId])).toEqual(Array.from({ length: 3 }, () => [mediator.id, mediator.id]));
    const listed = await page.getByTestId('import-matter-link').allTextContents();
    expect([...listed].sort()).toEqual(imported.map((m) => m.registrationNo).sort());
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // Each registration number leads to its matter: assigned to the mediator, the case opened, and
    // the borrower's window visit shown as a possible duplicate (the bank, applicant of every row, is not).
    const first = imported.find((m) => m.registrationNo === listed[0])!;
    await page.getByTestId('import-matter-link').first().click();
    await page.getByTestId('current-owner').filter({ hasText: '金融调解员甲' }).waitFor({ timeout: 15_000 });
    expect(await page.textContent('body')).toContain(first.case!.number);
    await page.getByTestId('matter-duplicates').waitFor({ timeout: 15_000 });
    const duplicates = await page.getByTestId('matter-duplicate').allTextContents();
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]).toContain(atWindow.matter.registrationNo);
    expect(duplicates[0]).toContain('同一当事人（身份证号码相同）');
  }, 180_000);
});
