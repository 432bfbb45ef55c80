// What the room needs to know about the phone or browser it runs in, from the user agent and the
// APIs present: WeChat's and QQ's in-app browsers (which often give a web page no camera or
// microphone — the party must be told to open the link in the system browser), iOS (whose
// hardware encoder is H264: VP8 there is a slow software encoder), and whether screen sharing
// exists (desktop browsers only). Pure functions of their inputs, so they are unit-tested.
// In the main bundle (the pre-join check uses it): keep it small.

/** The app whose built-in browser this is; null for a real browser. */
export type InAppBrowser = 'wechat' | 'qq';

/**
 * WeChat (also WeCom/企业微信, which says MicroMessenger too) and QQ's in-app browser: Android's
 * says `MQQBrowser/… QQ/8.9…`, iOS's `… QQ/8.9…`. QQ浏览器 itself (`MQQBrowser/…` without ` QQ/`)
 * is a real browser and not meant here.
 */
export function inAppBrowser(ua: string): InAppBrowser | null {
  if (/MicroMessenger\//i.test(ua)) return 'wechat';
  if (/\sQQ\/\d/.test(ua)) return 'qq';
  return null;
}

export function isIOS(ua: string, maxTouchPoints = 0): boolean {
  if (/iPhone|iPad|iPod/.test(ua)) return true;
  // iPadOS asks for desktop pages: it says Macintosh, but has a touch screen.
  return /Macintosh/.test(ua) && maxTouchPoints > 1;
}

/** A phone or tablet (no screen sharing there: getDisplayMedia is a desktop feature). */
export function isMobile(ua: string, maxTouchPoints = 0): boolean {
  return isIOS(ua, maxTouchPoints) || /Android|Mobile|HarmonyOS|OpenHarmony/i.test(ua);
}

/** Steps to leave the in-app browser for the system one, in the app's own words. */
export function openInBrowserSteps(app: InAppBrowser, ua: string, maxTouchPoints = 0): string[] {
  const ios = isIOS(ua, maxTouchPoints);
  const menu = app === 'wechat' ? '点击右上角的「···」' : '点击右上角的「···」或「≡」';
  const choose = ios ? '选择「在 Safari 中打开」' : app === 'wechat' ? '选择「在浏览器打开」' : '选择「用浏览器打开」';
  return [menu, choose, '在浏览器中允许使用摄像头和麦克风后，再进入调解室'];
}

export const IN_APP_NAME: Record<InAppBrowser, string> = { wechat: '微信', qq: 'QQ' };

/** Screen sharing: the browser has getDisplayMedia and is not on a phone or tablet. */
export function canShareScreen(env: { ua: string; maxTouchPoints?: number; hasDisplayMedia: boolean }): boolean {
  return env.hasDisplayMedia && !isMobile(env.ua, env.maxTouchPoints ?? 0);
}

/** The part of a mediasoup-client codec capability the choice reads. */
export interface CodecLike {
  kind?: string;
  mimeType: string;
  parameters?: Record<string, unknown>;
}

/**
 * The video codec to send with, from the codecs the browser and the router share (mediasoup-client
 * `device.rtpCapabilities.codecs`): on iOS H264 — constrained baseline, packetization-mode 1 when
 * offered — so the phone encodes in hardware; elsewhere undefined (mediasoup's default, the
 * router's first: VP8). Also undefined when H264 is not shared (then VP8 is all there is).
 */
export function preferredVideoCodec<C extends CodecLike>(codecs: readonly C[], ua: string, maxTouchPoints = 0): C | undefined {
  if (!isIOS(ua, maxTouchPoints)) return undefined;
  const h264 = codecs.filter((c) => c.mimeType.toLowerCase() === 'video/h264');
  const mode1 = h264.filter((c) => String(c.parameters?.['packetization-mode'] ?? '0') === '1');
  const baseline = mode1.find((c) => String(c.parameters?.['profile-level-id'] ?? '').startsWith('42e0'));
  return baseline ?? mode1[0] ?? h264[0];
}

/** The environment of this page (browser only). */
export function currentEnv(): { ua: string; maxTouchPoints: number } {
  return { ua: navigator.userAgent, maxTouchPoints: navigator.maxTouchPoints || 0 };
}
