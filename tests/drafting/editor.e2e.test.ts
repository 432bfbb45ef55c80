// The 调解协议书 editor in Chromium: the mediator (case page → 起草协议书) and a co-mediator
// (协办, a second staff member) type Chinese into the same clause at the same time with IME compositions driven
// through CDP (Input.imeSetComposition / Input.insertText): one composition is still open while
// the other side's text arrives. Both pages converge on the same text holding both inputs; a
// party's page (link token) shows it read-only, and the party's suggestion reaches the mediator.
// Also: clause add / move / delete, fill-in fields and the live checker (incl. the paper-signing
// banner), undo/redo, comments, named versions with their diff, typing in a Chromium without a
// Chinese font, and the editor sheet in the room.
// Four pages at most (mediator, co-mediator, party in the co-mediator's browser, the mediator without CJK fonts).
import { eventually } from '../support/wait.ts';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type { CDPSession, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { agreementDocName as clientDocName } from '../../web-client/src/agreement/connection.ts';
import { initAgreementDoc, readAgreement } from '../../signaling/agreement/document.ts';
import { loadTemplates, TEMPLATES_DIR } from '../../signaling/agreement/template-loader.ts';
import { agreementDocName } from '../../signaling/drafting/doc-name.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

/** A Node Yjs client of the drafting server with the staff cookie on the upgrade. */
function connectClient(opts: { url: string; docName: string; cookie: string }) {
  const headers = { cookie: opts.cookie, origin: opts.url.replace(/^ws/, 'http').replace(/\/drafting$/, '') };
  const socket = new HocuspocusProviderWebsocket({
    url: opts.url,
    WebSocketPolyfill: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    },
  });
  const doc = new Y.Doc();
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: opts.docName, document: doc, token: '' });
  provider.attach();
  const ready = new Promise<void>((resolve, reject) => {
    provider.on('synced', () => resolve());
    provider.on('authenticationFailed', ({ reason }: { reason: string }) => reject(new Error(`refused: ${reason}`)));
  });
  return {
    doc,
    ready,
    acked: () => eventually(async () => expect(provider.hasUnsyncedChanges).toBe(false), 5_000),
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}
const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/drafting`;

let server: TestServer;
let mediator: StaffClient;
let admin: StaffClient;
let coMediator: StaffClient;
let caseId: string;
let partyToken: string;
const browsers: TestBrowser[] = [];

async function openAs(staff: StaffClient, options: { fonts?: 'system' | 'no-cjk' } = {}): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = await launchBrowser(options);
  browsers.push(browser);
  const origin = new URL(server.url).origin;
  await browser.context.addCookies(
    staff.cookie.split('; ').map((pair) => {
      const i = pair.indexOf('=');
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: origin };
    }),
  );
  return { browser, page: await browser.context.newPage() };
}

const clauseText = (page: Page, clauseId: string) => page.locator(`[data-testid="clause"][data-clause-id="${clauseId}"] [data-testid="clause-text"]`);

async function compose(cdp: CDPSession, steps: string[]): Promise<void> {
  for (const s of steps) await cdp.send('Input.imeSetComposition', { text: s, selectionStart: s.length, selectionEnd: s.length });
}

beforeAll(async () => {
  server = await startTestServer();
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  mediator = (await createStaffUser(admin, { username: 'editor-mediator', displayName: '张调解员', role: 'MEDIATOR', password: 'mediator-pass-1' })).client;
  const co = await createStaffUser(admin, { username: 'editor-co', displayName: '李协办', role: 'MEDIATOR', password: 'mediator-pass-2' });
  coMediator = co.client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '楼上漏水纠纷', disputeType: 'NEIGHBOUR', summary: '楼上管道漏水' }, 201)).case.id;
  await mediator.json('POST', `/api/cases/${caseId}/co-mediators`, { userId: co.id });
  const partyId = (
    await mediator.json(
      'POST',
      `/api/cases/${caseId}/participants`,
      { role: 'APPLICANT', side: 'A', name: '刘某', phone: '13904721234', idNumber: makeIdNumber('15020419780314201') },
      201,
    )
  ).participant.id as string;
  partyToken = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: partyId }, 201)).invitation.url.split('/j/')[1];

  expect(clientDocName(caseId)).toBe(agreementDocName(caseId));
  // The draft from the neighbour template (unless the server already created one).
  const client = connectClient({ url: wsUrl(server.url), docName: agreementDocName(caseId), cookie: mediator.cookie });
  await client.ready;
  initAgreementDoc(client.doc, loadTemplates(TEMPLATES_DIR).agreement('neighbour'), {
    caseNumber: '青山调〔2026〕第12号',
    disputeType: 'NEIGHBOUR',
    orgName: '青山区人民调解委员会',
    parties: [
      { role: 'APPLICANT', side: 'A', name: '刘某', idNumber: makeIdNumber('15020419780314201'), address: '包头市青山区某小区502室', phone: '13904721234' },
      { role: 'RESPONDENT', side: 'B', name: '王某', idNumber: makeIdNumber('15020419820607151'), address: '包头市青山区某小区602室', phone: '15604729876' },
    ],
  });
  await client.acked();
  client.destroy();
}, 60_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('agreement editor in Chromium', () => {
  let mediatorPage: Page;
  let coPage: Page;
  let clauseId: string;
  let merged: string;

  it('two editors compose Chinese in the same clause at once and converge', async () => {
    const m = await openAs(mediator);
    const a = await openAs(coMediator);
    mediatorPage = m.page;
    coPage = a.page;
    await mediatorPage.goto(`${server.url}/cases/${caseId}`);
    await mediatorPage.getByTestId('open-agreement').click();
    await coPage.goto(`${server.url}/cases/${caseId}/agreement`);
    for (const page of [mediatorPage, coPage]) {
      await page.locator('[data-testid="agreement-editor"][data-synced="true"][data-scope="read-write"]').waitFor({ timeout: 15_000 });
    }
    const clauses = mediatorPage.getByTestId('clause');
    expect(await clauses.count()).toBeGreaterThanOrEqual(3);
    // The last clause: "本协议履行完毕后，双方就本次漏水事件再无其他争议。"
    clauseId = (await clauses.last().getAttribute('data-clause-id'))!;
    const original = await clauseText(mediatorPage, clauseId).inputValue();
    expect(original).toContain('再无其他争议');
    // Live checker findings are shown.
    expect(await mediatorPage.getByTestId('checker-finding').count()).toBeGreaterThan(0);

    // Mediator: caret at the end (before 。); co-mediator: caret at the start.
    const end = original.length - 1;
    await clauseText(mediatorPage, clauseId).click();
    await clauseText(mediatorPage, clauseId).evaluate((el: HTMLTextAreaElement, i) => el.setSelectionRange(i, i), end);
    await clauseText(coPage, clauseId).click();
    await clauseText(coPage, clauseId).evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
    // Awareness: each sees the other editing this clause.
    await eventually(async () => {
      const chip = coPage.locator(`[data-testid="presence"][data-clause-id="${clauseId}"]`);
      expect(await chip.count()).toBe(1);
      expect(await chip.textContent()).toContain('张调解员');
    });

    const cdpM = await mediatorPage.context().newCDPSession(mediatorPage);
    const cdpA = await coPage.context().newCDPSession(coPage);
    // Mediator opens a composition (pinyin being typed) …
    await compose(cdpM, ['y', 'yi', 'yi f', 'yi fa', '依法']);
    // … meanwhile the co-mediator composes and commits at the start of the same clause.
    await compose(cdpA, ['j', 'jing', 'jing t', '经调解']);
    await cdpA.send('Input.insertText', { text: '经调解，' });
    // The co-mediator's text has reached the mediator's document, but the mediator's open composition
    // is left alone: the textarea still shows only the original text plus the composing pinyin.
    await new Promise((r) => setTimeout(r, 600));
    const during = await clauseText(mediatorPage, clauseId).inputValue();
    expect(during).not.toContain('经调解');
    expect(during).toContain('依法'); // the composition is really open in the textarea
    expect(await clauseText(coPage, clauseId).inputValue()).toContain('经调解，');
    await compose(cdpM, ['依法确认']);
    await cdpM.send('Input.insertText', { text: '依法确认' });
    // Then both type more without IME at their carets.
    await mediatorPage.keyboard.insertText('无误');
    await coPage.keyboard.insertText('双方');

    merged = await eventually(async () => {
      const mv = await clauseText(mediatorPage, clauseId).inputValue();
      const av = await clauseText(coPage, clauseId).inputValue();
      expect(mv).toBe(av);
      expect(mv).toContain('经调解，双方');
      expect(mv).toContain('依法确认无误');
      return mv;
    });
    expect(merged).toBe(`经调解，双方${original.slice(0, end)}依法确认无误${original.slice(end)}`);
    // No composing pinyin leaked into the document.
    expect(merged).not.toMatch(/[a-z]/);
    // The mediator's caret stayed after their own text.
    const caret = await clauseText(mediatorPage, clauseId).evaluate((el: HTMLTextAreaElement) => el.selectionStart);
    expect(caret).toBe(merged.indexOf('依法确认无误') + '依法确认无误'.length);

    if (process.env.EDITOR_SCREENSHOT) {
      await mediatorPage.screenshot({ path: `${process.env.EDITOR_SCREENSHOT}-top.png` });
      await mediatorPage.getByTestId('clause').last().scrollIntoViewIfNeeded();
      await mediatorPage.screenshot({ path: `${process.env.EDITOR_SCREENSHOT}-clause.png` });
      await mediatorPage.getByTestId('checker').screenshot({ path: `${process.env.EDITOR_SCREENSHOT}-checker.png` });
    }
    // The server has the same text.
    const check = connectClient({ url: wsUrl(server.url), docName: agreementDocName(caseId), cookie: mediator.cookie });
    await check.ready;
    await eventually(async () => expect(readAgreement(check.doc).clauses.find((c) => c.id === clauseId)?.text).toBe(merged));
    check.destroy();
  }, 60_000);

  it('clause add / reorder / delete, fill-in fields, comments and the checker follow live on the other page', async () => {
    const ids = async (page: Page) => page.getByTestId('clause').evaluateAll((els) => els.map((e) => e.getAttribute('data-clause-id')));
    const before = await ids(mediatorPage);
    await mediatorPage.getByTestId('clause-add').click();
    const added = await eventually(async () => {
      const now = await ids(mediatorPage);
      expect(now.length).toBe(before.length + 1);
      return now[now.length - 1]!;
    });
    // The new clause is focused: type into it.
    await mediatorPage.keyboard.insertText('甲方放弃其他请求。');
    await eventually(async () => expect(await clauseText(coPage, added).inputValue()).toBe('甲方放弃其他请求。'));
    // Move it up one place on the co-mediator's page; the mediator sees the new order.
    await coPage.locator(`[data-testid="clause"][data-clause-id="${added}"] [data-testid="clause-up"]`).click();
    await eventually(async () => {
      const order = await ids(mediatorPage);
      expect(order.indexOf(added)).toBe(before.length - 1);
      expect(order[before.length]).toBe(clauseId);
    });

    // A fill-in field of clause 1: the checker's FIELD_UNFILLED finding for it goes away on both pages.
    const first = before[0]!;
    const field = mediatorPage.locator(`[data-testid="clause"][data-clause-id="${first}"] [data-testid="clause-field"]`).first();
    const key = (await field.getAttribute('data-field'))!;
    const unfilled = (page: Page) => page.locator(`[data-testid="checker-finding"][data-code="FIELD_UNFILLED"][data-clause-id="${first}"]`);
    const countBefore = await unfilled(coPage).count();
    expect(countBefore).toBeGreaterThan(0);
    expect(await coPage.locator(`[data-testid="checker-finding"][data-severity="error"]`).count()).toBeGreaterThan(0);
    await field.locator('input').fill(key.toLowerCase().includes('deadline') || key.toLowerCase().includes('date') ? '2026年12月31日' : '卫生间排水管');
    await field.locator('input').press('Enter');
    await eventually(async () => expect(await unfilled(coPage).count()).toBe(countBefore - 1));
    await eventually(async () => expect(await unfilled(mediatorPage).count()).toBe(countBefore - 1));

    // A personal-status matter in a clause: the paper-signing banner appears on the other page.
    expect(await coPage.getByTestId('paper-signing').count()).toBe(0);
    await clauseText(mediatorPage, added).click();
    await clauseText(mediatorPage, added).press('Control+End');
    await mediatorPage.keyboard.insertText('双方同意协议离婚。');
    await coPage.getByTestId('paper-signing').waitFor({ timeout: 5_000 });
    expect(await coPage.locator('[data-testid="checker-finding"][data-code="PERSONAL_STATUS"]').count()).toBeGreaterThan(0);
    // Ctrl+Z undoes my own last typing (not other people's): the banner goes again.
    await new Promise((r) => setTimeout(r, 600));
    await mediatorPage.keyboard.press('Control+z');
    await eventually(async () => expect(await clauseText(coPage, added).inputValue()).toBe('甲方放弃其他请求。'));
    await eventually(async () => expect(await coPage.getByTestId('paper-signing').count()).toBe(0));
    await mediatorPage.keyboard.press('Control+Shift+z');
    await coPage.getByTestId('paper-signing').waitFor({ timeout: 5_000 });

    // A comment on the new clause shows up on the other page.
    const addedClause = (page: Page) => page.locator(`[data-testid="clause"][data-clause-id="${added}"]`);
    await addedClause(mediatorPage).getByTestId('comment-text').fill('请双方确认此条');
    await addedClause(mediatorPage).getByTestId('comment-send').click();
    await eventually(async () => expect(await addedClause(coPage).getByTestId('comment').textContent()).toContain('请双方确认此条'));

    // Delete it (with confirmation): gone on both pages.
    await addedClause(coPage).getByTestId('clause-delete').click();
    await coPage.getByTestId('confirm-ok').click();
    await eventually(async () => expect(await ids(mediatorPage)).toEqual(before));
    await eventually(async () => expect(await mediatorPage.getByTestId('paper-signing').count()).toBe(0));
    expect(await clauseText(mediatorPage, clauseId).inputValue()).toBe(merged);
  }, 30_000);

  it('a party sees the clause read-only and its suggestion reaches the mediator', async (ctx) => {
    const party = await coPage.context().newPage();
    await party.goto(`${server.url}/j/${partyToken}/agreement`);
    await party.locator('[data-testid="agreement-editor"][data-synced="true"]').waitFor({ timeout: 15_000 });
    const field = clauseText(party, clauseId);
    await eventually(async () => expect(await field.inputValue()).toBe(merged));
    expect(await field.getAttribute('readonly')).not.toBeNull();
    expect(await party.getByTestId('clause-add').count()).toBe(0);
    expect(await party.getByTestId('clause-delete').count()).toBe(0);

    // Is the suggestion API there yet?
    const probe = await fetch(`${server.url}/api/agreements/${caseId}/suggestions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${partyToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const probeBody = (await probe.json().catch(() => ({}))) as { message?: string };
    if (probe.status === 404 && probeBody.message?.startsWith('接口不存在')) ctx.skip();

    const clause = party.locator(`[data-testid="clause"][data-clause-id="${clauseId}"]`);
    await clause.getByTestId('suggest-open').click();
    const proposed = merged.replace('再无其他争议', '再无任何争议');
    await clause.getByTestId('suggest-text').fill(proposed);
    await clause.getByTestId('suggest-send').click();

    const suggestion = mediatorPage.locator(`[data-testid="clause"][data-clause-id="${clauseId}"] [data-testid="suggestion"][data-status="open"]`);
    await suggestion.waitFor({ timeout: 10_000 });
    // Shown as the change only: 其他 struck through, 任何 inserted.
    expect(await suggestion.locator('del').textContent()).toBe('其他');
    expect(await suggestion.locator('ins').textContent()).toBe('任何');
    expect(await suggestion.textContent()).toContain('刘某');
    // A party's comment reaches the mediator with the party's name.
    await clause.getByTestId('comment-text').fill('同意，但请写明维修期限');
    await clause.getByTestId('comment-send').click();
    await eventually(async () => {
      const comment = mediatorPage
        .locator(`[data-testid="clause"][data-clause-id="${clauseId}"] [data-testid="comment"]`)
        .filter({ hasText: '请写明维修期限' });
      expect(await comment.textContent()).toContain('刘某');
    });
    if (process.env.EDITOR_SCREENSHOT) {
      await party.locator(`[data-testid="clause"][data-clause-id="${clauseId}"]`).screenshot({ path: `${process.env.EDITOR_SCREENSHOT}-party-clause.png` });
      await mediatorPage
        .locator(`[data-testid="clause"][data-clause-id="${clauseId}"]`)
        .screenshot({ path: `${process.env.EDITOR_SCREENSHOT}-mediator-clause.png` });
    }
    await suggestion.getByTestId('suggestion-accept').click();
    await eventually(async () => expect(await field.inputValue()).toBe(proposed));
    await eventually(async () => expect(await clauseText(mediatorPage, clauseId).inputValue()).toBe(proposed));
    await eventually(async () =>
      expect(await party.locator(`[data-clause-id="${clauseId}"] [data-testid="suggestion"]`).getAttribute('data-status')).toBe('accepted'),
    );
    merged = proposed;
  }, 40_000);

  it('named versions: save two, list them, show the readable diff', async () => {
    const rows = mediatorPage.getByTestId('version-row');
    await mediatorPage.getByTestId('version-name').fill('第一稿');
    await mediatorPage.getByTestId('version-save').click();
    await eventually(async () => expect(await rows.count()).toBe(1));
    const field = clauseText(mediatorPage, clauseId);
    await field.click();
    // Ctrl+End: the end of the text. (End alone goes to the end of the visual line the click
    // landed on, which is in the middle of this wrapped clause.)
    await field.press('Control+End');
    await mediatorPage.keyboard.insertText('本协议一式三份。');
    expect(await field.inputValue()).toBe(`${merged}本协议一式三份。`);
    merged = `${merged}本协议一式三份。`;
    await eventually(async () => expect(await mediatorPage.getByTestId('agreement-sync').textContent()).toBe('已保存'));
    await mediatorPage.getByTestId('version-name').fill('第二稿');
    await mediatorPage.getByTestId('version-save').click();
    await eventually(async () => expect(await rows.count()).toBe(2));
    expect(await rows.first().textContent()).toContain('第二稿');
    await rows.nth(1).click();
    await rows.nth(0).click();
    const diff = mediatorPage.getByTestId('version-diff');
    await diff.waitFor({ timeout: 10_000 });
    await eventually(async () => expect(await diff.textContent()).toContain('本协议一式三份'));
  }, 30_000);

  it('without a Chinese font (empty boxes, other line breaks) typed text lands in one piece at the caret', async () => {
    // A Linux desktop without a CJK font — and a fresh test machine before the set-up installed
    // one — draws every Chinese character as DejaVu's empty box, 0.6 em wide instead of 1 em, so a
    // clause wraps elsewhere. The caret and the text must still agree: what is typed, key by key or
    // through the IME, goes where the caret is, in one piece. This Chromium never sees a CJK font,
    // whatever the machine has installed.
    const { browser, page } = await openAs(mediator, { fonts: 'no-cjk' });
    try {
      await page.goto(`${server.url}/cases/${caseId}/agreement`);
      await page.locator('[data-testid="agreement-editor"][data-synced="true"][data-scope="read-write"]').waitFor({ timeout: 15_000 });
      const widths = await page.evaluate(() => {
        const width = (text: string) => {
          const span = document.createElement('span');
          span.style.fontSize = '20px';
          span.textContent = text;
          document.body.append(span);
          const w = span.getBoundingClientRect().width;
          span.remove();
          return w;
        };
        return { han: width('依法确认无误'), latin: width('abcdef') };
      });
      expect(widths.latin, 'Chromium has no font at all (is fonts-dejavu-core installed?)').toBeGreaterThan(0);
      expect(widths.han, 'Chromium still finds a CJK font (1 em per character)').not.toBe(6 * 20);

      const ids = async (p: Page) => p.getByTestId('clause').evaluateAll((els) => els.map((e) => e.getAttribute('data-clause-id')));
      const before = await ids(page);
      await page.getByTestId('clause-add').click();
      const added = await eventually(async () => {
        const now = await ids(page);
        expect(now.length).toBe(before.length + 1);
        return now[now.length - 1]!;
      });
      const text = '甲方应于二〇二六年十二月三十一日前一次性向乙方支付漏水损失及维修费用共计人民币三千元整。';
      await page.keyboard.insertText(text); // the new clause has the focus
      const field = clauseText(page, added);
      await eventually(async () => expect(await field.inputValue()).toBe(text));

      // End: the end of the first visual line, in the middle of the wrapped clause.
      await field.press('Control+Home');
      await field.press('End');
      const lineEnd = await field.evaluate((el: HTMLTextAreaElement) => el.selectionStart);
      expect(lineEnd).toBeGreaterThan(0);
      expect(lineEnd).toBeLessThan(text.length);
      // Key by key (one input event per character) …
      await page.keyboard.type('双方');
      // … and through the IME.
      const cdp = await page.context().newCDPSession(page);
      await compose(cdp, ['x', 'xie', 'xie s', 'xie shang', '协商']);
      await cdp.send('Input.insertText', { text: '协商' });
      const inserted = `${text.slice(0, lineEnd)}双方协商${text.slice(lineEnd)}`;
      expect(await field.inputValue()).toBe(inserted);
      expect(await field.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd])).toEqual([lineEnd + 4, lineEnd + 4]);
      // Ctrl+End: the end of the text.
      await field.press('Control+End');
      await page.keyboard.type('特此约定');
      const final = `${inserted}特此约定`;
      expect(await field.inputValue()).toBe(final);
      expect(await field.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe(final.length);
      // The shared document holds what the page shows.
      await eventually(async () => expect(await clauseText(coPage, added).inputValue()).toBe(final));

      await page.locator(`[data-testid="clause"][data-clause-id="${added}"] [data-testid="clause-delete"]`).click();
      await page.getByTestId('confirm-ok').click();
      await eventually(async () => expect(await ids(coPage)).toEqual(before));
    } finally {
      await browser.close();
    }
  }, 40_000);

  it('the editor opens as a sheet inside the live room (toolbar-agreement)', async () => {
    await mediatorPage.goto(`${server.url}/cases/${caseId}/room`);
    await mediatorPage.getByTestId('prejoin-join').click({ timeout: 20_000 });
    await mediatorPage.getByTestId('room').waitFor({ timeout: 20_000 });
    await mediatorPage.getByTestId('toolbar-agreement').click();
    const panel = mediatorPage.getByTestId('agreement-panel');
    await panel.locator('[data-testid="agreement-editor"][data-synced="true"][data-scope="read-write"]').waitFor({ timeout: 15_000 });
    await eventually(async () => expect(await clauseText(panel as unknown as Page, clauseId).inputValue()).toBe(merged));
    await mediatorPage.getByTestId('agreement-panel-close').click();
    expect(await panel.count()).toBe(0);
  }, 40_000);
});
