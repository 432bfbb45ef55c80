// 随手记 from a grid worker's phone: in Chromium on a phone viewport the worker fills the form by
// clicking and typing, attaches a photo and submits; the matter is registered once (channel GRID),
// the dispatcher on duty responsible, the worker who registered it, the photo sealed with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { strokePng } from '../signing/pdf-tools.ts';
import { unitStaff } from './desk-helpers.ts';

const PHONE = { width: 390, height: 844 };

describe('随手记 on a phone', () => {
  let server: TestServer;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a grid worker reports a dispute with a photo; the dispatcher on duty owns it', async () => {
    const dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', 'zhiban', '值班受理员');
    const worker = await unitStaff(server, 'committee', 'GRID_WORKER', 'wangge', '网格员小王');
    const opened = await openPage(server.url, { viewport: PHONE, cookieHeader: worker.client.cookie });
    browser = opened.browser;
    const page = opened.page;
    await page.goto(`${server.url}/intake/grid`);
    await page.getByTestId('grid-form').waitFor();
    await page.getByTestId('grid-type').selectOption('NEIGHBOUR');
    await page.getByTestId('grid-place').click();
    await page.keyboard.type('青山区幸福路 8 号院门口');
    await page.getByTestId('grid-summary').click();
    await page.keyboard.type('两户因停车位争吵，一方扬言要报复');
    await page.getByTestId('grid-party-name').click();
    await page.keyboard.type('刘大爷');
    await page.getByTestId('grid-party-phone').click();
    await page.keyboard.type('13700137000');
    await page.getByTestId('grid-urgent').click();
    await page.getByTestId('grid-photos').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: Buffer.from(strokePng(800, 600)) });
    // Nothing on the form is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.getByTestId('grid-submit').click();
    await page.getByTestId('intake-result').waitFor();
    const registrationNo = (await page.getByTestId('intake-registration-no').textContent())!;
    expect(registrationNo).toMatch(/^青山综受〔\d{4}〕第\d+号$/);
    expect(await page.getByTestId('intake-flags').textContent()).toContain('言语中有暴力倾向');

    const matter = await server.ctx.db.matter.findUniqueOrThrow({ where: { registrationNo }, include: { attachments: true, parties: true } });
    expect(matter).toMatchObject({
      channel: 'GRID',
      urgency: 'URGENT',
      ownerUserId: dispatcher.id,
      ownerUnitId: dispatcher.unitId,
      registeredById: worker.id,
      disputeType: 'NEIGHBOUR',
    });
    expect(matter.place).toBe('青山区幸福路8号院门口');
    expect(matter.parties).toEqual([expect.objectContaining({ role: 'APPLICANT', name: '刘大爷', phone: '13700137000' })]);
    expect(matter.attachments).toHaveLength(1);
    expect(matter.attachments[0]!.mime).toBe('image/jpeg'); // scaled down on the phone
    expect(Buffer.from(matter.attachments[0]!.bytes).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('refuses photos that are not images, too many or too large, and stores nothing', async () => {
    const worker = await unitStaff(server, 'committee', 'GRID_WORKER', 'wangge2', '网格员小李');
    const before = await server.ctx.db.matter.count();
    const report = (photos: { fileName: string; dataBase64: string }[]) =>
      worker.client.request('POST', '/api/intake/grid-reports', { disputeType: 'NEIGHBOUR', place: '某地', summary: '某事', photos });
    const png = Buffer.from(strokePng(10, 10)).toString('base64');
    const cases: [Response, number, string][] = [
      [await report([{ fileName: 'a.exe', dataBase64: Buffer.from('MZ not an image').toString('base64') }]), 400, 'PHOTO_NOT_IMAGE'],
      [await report(Array.from({ length: 5 }, (_, i) => ({ fileName: `${i}.png`, dataBase64: png }))), 400, 'TOO_MANY_PHOTOS'],
      [
        await report([{ fileName: 'big.png', dataBase64: Buffer.concat([strokePng(10, 10), Buffer.alloc(2 * 1024 * 1024)]).toString('base64') }]),
        413,
        'FILE_TOO_LARGE',
      ],
    ];
    for (const [res, status, code] of cases) expect([res.status, (await res.json()).code]).toEqual([status, code]);
    expect(await server.ctx.db.matter.count()).toBe(before);
  });
});
