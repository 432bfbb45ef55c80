// The main pages of every role, each with a case at the stage where the page has something to
// show, for the layout and accessibility tests: the cases are brought there through the API and
// the area helpers (this is about how pages look, not about the journeys), then one browser
// visits each page as its viewer. Also the in-page probes both tests use: what sticks out of the
// viewport, and text its box cuts off.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { judgeClient, mediatingCase, submittedCase } from '../judicial/judicial-support.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { PARTY_IDS } from '../judicial/judicial-support.ts';
import { acceptPrivacy, acknowledgeNotice, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { XLSX_MIME } from '../../signaling/intake-desk/import/columns.ts';
import { unitStaff } from '../intake/desk-helpers.ts';
import { financialDisputeRow, importXlsx } from '../intake/import-files.ts';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

export interface PageVisit {
  name: string;
  path: string;
  /** Whose session cookie the browser carries (null: a party link or a public page). */
  viewer: StaffClient | null;
  /** The data-testid that shows the page has loaded. */
  ready: string;
  /** A step after loading that brings the page to the state worth checking (e.g. joining the room). */
  then?: (page: Page) => Promise<void>;
}

export interface Tour {
  visits: PageVisit[];
  /** A case being mediated (its page holds 进入调解室) and its mediator. */
  mediating: DraftCase;
  /** A signed case: its party's judicial application page pre-fills the phone on file. */
  signed: DraftCase;
}

const LONG_SUMMARY = [
  '申请人李某称：2024年6月1日被申请人王某因装修资金周转向其借款人民币伍万元整，约定于2025年6月1日前归还，并按年利率3%支付利息。',
  '借款以银行转账方式交付，王某出具借条一张。到期后李某多次电话及上门催要，王某以经营困难为由至今未还本付息。',
  '被申请人王某对借款事实无异议，但称因疫情后生意亏损，一次性还款确有困难，希望分期偿还并减免部分利息。',
  '双方均同意由调解委员会主持在线调解，申请人要求被申请人于三个月内归还全部本金并支付利息，被申请人提出分十二期偿还。',
  '调解员核实：借条原件在申请人处，转账记录与借条金额一致；被申请人名下有一处房产，经营的五金店仍在营业，月收入约八千元。',
  '申请人表示如被申请人能提供担保或在首期多付，可考虑减免部分利息；被申请人表示可由其妻子提供连带保证。',
  '第一次调解（线下）：双方就还款期限分歧较大，申请人坚持三个月内还清，被申请人称最多每月还款四千元；调解员分别做了背对背工作。',
  '第二次调解（电话）：被申请人同意首期支付一万元，余款分八期付清；申请人同意免除逾期利息，但要求保留按约定利率计算的利息。',
  '双方同意通过本平台在线视频调解，并在达成一致后在线签署调解协议书、共同申请司法确认。申请人另要求被申请人承担催收产生的交通费用约三百元，被申请人暂未表态。',
  '双方当事人的联系方式、送达地址已核实；被申请人的妻子表示愿意作为保证人参加下次调解。',
].join('\n');

async function partyPost(server: TestServer, token: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
}

/** Cases at each stage (mediating, locked for signing, signed, applied for) and the pages that show them. */
export async function setUpTour(server: TestServer, sms: SmsOutbox): Promise<Tour> {
  const admin = await sharedStaffSession(server.url, server.admin);
  const judge = await judgeClient(server, admin, 'judge-tour');

  const mediating = await mediatingCase(server);
  // A summary as long as real ones are: the case page must still show 进入调解室 at the top.
  await mediating.mediator.json('PATCH', `/api/cases/${mediating.caseId}`, { summary: LONG_SUMMARY }, 200);
  // Party A has confirmed identity and consented (done card), B only confirmed identity (consent step).
  await acceptPrivacy(server.url, mediating.tokenA);
  await partyPost(server, mediating.tokenA, '/api/party/confirm-identity', { name: '李某', idLast4: PARTY_IDS.A.slice(-4) });
  await partyPost(server, mediating.tokenA, '/api/party/consent', { consent: true });
  await acknowledgeNotice(server.url, mediating.caseId, mediating.tokenA);
  await acceptPrivacy(server.url, mediating.tokenB);
  // The interpreter's link shows the identity step (the 个人信息处理告知书 read already).
  await acceptPrivacy(server.url, mediating.tokenInterpreter, []);
  await partyPost(server, mediating.tokenB, '/api/party/confirm-identity', { name: '王某', idLast4: PARTY_IDS.B.slice(-4) });

  const locked = await mediatingCase(server);
  await locked.mediator.json('POST', `/api/agreements/${locked.caseId}/versions`, { name: '签署版' }, 201);
  await locked.mediator.json('POST', `/api/signing/${locked.caseId}/lock`, {}, 201);

  const signed = await mediatingCase(server);
  await signCaseThroughApi(server, signed, sms, PARTY_IDS);
  const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: signed.caseId, status: 'COMPLETED' } });
  const pdf = Buffer.from(await (await signed.mediator.request('GET', `/api/signing/${signed.caseId}/pdf`)).arrayBuffer());
  // 履行: the schedule drawn from the signed agreement, a draft the mediator is checking.
  await signed.mediator.json('POST', `/api/performance/${signed.caseId}/schedule/derive`, {});

  const applied = await submittedCase(server, sms);
  const application = await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { caseId: applied.caseId } });

  // 批量导入: a dispatcher, a mediator of the financial unit to import for, a refused and a good file.
  const dispatcher = (await unitStaff(server, 'centre-office', 'DISPATCHER', 'tour-dispatcher', '导览受理员')).client;
  await unitStaff(server, 'financial', 'MEDIATOR', 'tour-financial', '导览金融调解员');
  const badImport = await importXlsx([financialDisputeRow(0), { ...financialDisputeRow(1), respondentPhone: '1234567', summary: '' }]);
  const goodImport = await importXlsx([financialDisputeRow(2), financialDisputeRow(3)]);
  const upload = (file: Buffer, answer: string) => async (page: Page) => {
    await page.getByTestId('import-file').setInputFiles({ name: '某银行逾期贷款.xlsx', mimeType: XLSX_MIME, buffer: file });
    await page.getByTestId('import-submit').click();
    await page.getByTestId(answer).waitFor({ timeout: 30_000 });
  };

  // 评价 and 回访 (#16): the signed case's 被申请人 rated the service poorly; its 申请人 has not rated yet.
  await partyPost(server, signed.tokenB, '/api/followup/party/ratings', { occasion: 'CLOSING', occasionKey: 'closing', score: 1, comment: '等待时间太长' });
  const followUp = await server.ctx.db.followUpTask.findFirstOrThrow({ where: { caseId: signed.caseId, reason: 'POOR_RATING' } });
  // The 申请人 comes back to its link after the signing: identity confirmed and consent given, it is asked to rate.
  await partyPost(server, signed.tokenA, '/api/party/confirm-identity', { name: '李某', idLast4: PARTY_IDS.A.slice(-4) });
  await partyPost(server, signed.tokenA, '/api/party/consent', { consent: true });
  await acknowledgeNotice(server.url, signed.caseId, signed.tokenA);

  const m = mediating.mediator;
  const visits: PageVisit[] = [
    { name: '登录', path: '/login', viewer: null, ready: 'login-username' },
    { name: '案件列表', path: '/', viewer: m, ready: 'case-row' },
    { name: '案件（调解中）', path: `/cases/${mediating.caseId}`, viewer: m, ready: 'case-page' },
    { name: '案件（已锁定）', path: `/cases/${locked.caseId}`, viewer: locked.mediator, ready: 'staff-signing' },
    { name: '案件（已签署）', path: `/cases/${signed.caseId}`, viewer: signed.mediator, ready: 'staff-signing' },
    { name: '案件（履行计划草稿）', path: `/cases/${signed.caseId}`, viewer: signed.mediator, ready: 'obligation-editor' },
    { name: '协议书编辑', path: `/cases/${mediating.caseId}/agreement`, viewer: m, ready: 'agreement-editor' },
    { name: '调解室（设备检查）', path: `/cases/${mediating.caseId}/room`, viewer: m, ready: 'prejoin-join' },
    {
      name: '调解室',
      path: `/cases/${mediating.caseId}/room`,
      viewer: m,
      ready: 'prejoin-join',
      then: async (page) => {
        await page.getByTestId('prejoin-join').click();
        await page.getByTestId('room').waitFor({ timeout: 20_000 });
      },
    },
    { name: '当事人链接（身份确认）', path: `/j/${mediating.tokenInterpreter}`, viewer: null, ready: 'confirm-name' },
    { name: '当事人链接（同意）', path: `/j/${mediating.tokenB}`, viewer: null, ready: 'consent-checkbox' },
    { name: '当事人链接（完成）', path: `/j/${mediating.tokenA}`, viewer: null, ready: 'party-done' },
    { name: '当事人协议草稿', path: `/j/${mediating.tokenA}/agreement`, viewer: null, ready: 'agreement-editor' },
    {
      name: '当事人调解室（等候区）',
      path: `/j/${mediating.tokenA}/room`,
      viewer: null,
      ready: 'prejoin-join',
      then: async (page) => {
        await page.getByTestId('prejoin-join').click();
        await page.getByTestId('lobby-leave').waitFor({ timeout: 20_000 });
      },
    },
    { name: '当事人签署', path: `/j/${locked.tokenA}/sign`, viewer: null, ready: 'signing-clause' },
    { name: '当事人申请司法确认', path: `/j/${signed.tokenA}/judicial`, viewer: null, ready: 'judicial-apply' },
    { name: '当事人已申请', path: `/j/${applied.tokenA}/judicial`, viewer: null, ready: 'judicial-status' },
    { name: '当事人评价', path: `/j/${signed.tokenA}`, viewer: null, ready: 'rating-form' },
    { name: '法官工作台', path: '/', viewer: judge, ready: 'judge-application' },
    { name: '法官审查', path: `/judge/applications/${application.id}`, viewer: judge, ready: 'judge-review' },
    { name: '核验记录', path: `/verify/${round.id}`, viewer: null, ready: 'verify-case-number' },
    {
      name: '核验上传',
      path: '/verify',
      viewer: null,
      ready: 'verify-page',
      then: async (page) => {
        await page.getByTestId('verify-file').setInputFiles({ name: '协议书.pdf', mimeType: 'application/pdf', buffer: pdf });
        await page.getByTestId('verify-result').waitFor({ timeout: 20_000 });
      },
    },
    { name: '管理', path: '/admin', viewer: admin, ready: 'user-row' },
    { name: '管理员看案件', path: `/cases/${signed.caseId}`, viewer: admin, ready: 'case-page' },
    { name: '账号', path: '/account', viewer: admin, ready: 'account-page' },
    { name: '回访任务', path: '/followup', viewer: dispatcher, ready: 'followup-row' },
    { name: '回访任务详情', path: `/followup/${followUp.id}`, viewer: dispatcher, ready: 'followup-record-form' },
    { name: '批量导入', path: '/intake/import', viewer: dispatcher, ready: 'import-form' },
    { name: '批量导入（错误清单）', path: '/intake/import', viewer: dispatcher, ready: 'import-form', then: upload(badImport, 'import-rejected') },
    { name: '批量导入（导入结果）', path: '/intake/import', viewer: dispatcher, ready: 'import-form', then: upload(goodImport, 'import-result') },
  ];
  return { visits, mediating, signed };
}

/** Opens `v` in `page` as its viewer, at the viewport the page has now. */
export async function visit(page: Page, baseUrl: string, v: PageVisit): Promise<void> {
  const context = page.context();
  await context.clearCookies();
  if (v.viewer) {
    const url = new URL(baseUrl).origin;
    await context.addCookies(
      v.viewer.cookie.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url })),
    );
  }
  await page.goto(`${baseUrl}${v.path}`);
  await page.getByTestId(v.ready).first().waitFor({ timeout: 20_000 });
  await v.then?.(page);
  // Fonts and late layout (lazy chunks, images) settle before anything is measured.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** How wide the document is, and the outermost elements that stick out of the viewport (not inside a scrolling or clipping box). */
export function overflowing(page: Page): Promise<{ scrollWidth: number; elements: string[] }> {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const describe = (el: Element) => {
      const r = el.getBoundingClientRect();
      const id = el.getAttribute('data-testid') ?? el.className.toString().split(' ')[0] ?? '';
      const text = (el.textContent ?? '').trim().slice(0, 30);
      return `<${el.tagName.toLowerCase()}${id ? ` ${id}` : ''}> ${Math.round(r.left)}..${Math.round(r.right)} “${text}”`;
    };
    const inClippingBox = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const sticksOut = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && (r.right > vw + 1 || r.left < -1) && getComputedStyle(el).visibility !== 'hidden';
    };
    const elements: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!sticksOut(el) || inClippingBox(el)) continue;
      if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
      elements.push(describe(el));
    }
    // Text running out of a box that itself fits (an unbroken hash in a narrow paragraph).
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!parent || !n.textContent?.trim() || sticksOut(parent) || inClippingBox(parent)) continue;
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) elements.push(`text in ${describe(parent)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, elements };
  });
}

/**
 * Text its own box cuts off: a box that hides overflow (ellipsis, fixed size) with more text than
 * room, and (`selects`) a <select> whose chosen option is wider than the closed picker shows. A
 * closed picker cannot wrap; with text at 200 % a phone's native list shows its options in full.
 */
export function clippedText(page: Page, options: { selects: boolean } = { selects: true }): Promise<string[]> {
  return page.evaluate((checkSelects) => {
    const out: string[] = [];
    const canvas = document.createElement('canvas').getContext('2d');
    const label = (el: Element) =>
      `<${el.tagName.toLowerCase()} ${el.getAttribute('data-testid') ?? el.className}> “${(el.textContent ?? '').trim().slice(0, 30)}”`;
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const s = getComputedStyle(el);
      if (el.offsetWidth <= 1 || el.offsetHeight <= 1 || s.visibility === 'hidden') continue;
      if (el instanceof HTMLSelectElement) {
        if (!checkSelects || !canvas) continue;
        const text = el.selectedOptions[0]?.textContent ?? '';
        canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 20;
        if (canvas.measureText(text).width > room) out.push(`${label(el)} shows ${Math.round(room)} of ${Math.round(canvas.measureText(text).width)} px`);
        continue;
      }
      if (el instanceof HTMLVideoElement || el instanceof HTMLCanvasElement || el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) continue;
      const hides = (o: string) => o === 'hidden' || o === 'clip';
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!hasText) continue;
      if ((hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
        out.push(`${label(el)} ${el.clientWidth}×${el.clientHeight} holds ${el.scrollWidth}×${el.scrollHeight}`);
      }
    }
    return out;
  }, options.selects);
}

export interface TourSession {
  server: TestServer;
  tour: Tour;
  /** One phone-sized page the tests resize and move through the visits. */
  page: Page;
}

/** Starts a server, sets up the tour and opens one page for the file's tests; closes them after. */
export function useTourSession(): TourSession {
  const session = {} as TourSession;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    const sms = new SmsOutbox();
    session.server = await startTestServer({}, { sms });
    session.tour = await setUpTour(session.server, sms);
    browser = await launchBrowser({ viewport: PHONE });
    session.page = await browser.context.newPage();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await session.server?.close();
  });
  return session;
}
