import { describe, expect, it } from 'vitest';
import { mediaCodecs } from '../../../sfu/codecs.ts';
import { canShareScreen, inAppBrowser, isIOS, isMobile, openInBrowserSteps, preferredVideoCodec } from './phone-env.ts';

// Real user agents as these apps and browsers send them.
const UA = {
  wechatAndroid:
    'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/5197 MMWEBSDK/20230805 MMWEBID/6170 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  wechatIOS:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x1800282a) NetType/WIFI Language/zh_CN',
  qqAndroid:
    'Mozilla/5.0 (Linux; Android 12; PEHM00 Build/SKQ1.210216.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 MQQBrowser/6.2 TBS/046613 Mobile Safari/537.36 V1_AND_SQ_8.9.80_4614_YYB_D QQ/8.9.80.12440 NetType/WIFI WebP/0.3.0 AppId/537176902',
  qqIOS:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 QQ/8.9.85.615 V1_IPH_SQ_8.9.85_1_APP_A Pixel/1179 MiniAppEnable SimpleUISwitch/0 StudyMode/0 CurrentMode/0 CurrentFontScale/1.000000 QQTheme/1000 Core/WKWebView Device/Apple(iPhone 14 Pro) NetType/WIFI QBWebViewType/1 WKType/1',
  qqBrowser:
    'Mozilla/5.0 (Linux; U; Android 13; zh-cn; PGBM10 Build/TP1A.220905.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.2 Mobile Safari/537.36 COVC/046713',
  iosSafari: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  ipadDesktop: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  androidChrome: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  desktopChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
};

describe('in-app browsers', () => {
  it('WeChat and QQ in-app browsers are recognised on Android and iOS; real browsers (QQ浏览器 too) are not', () => {
    expect(inAppBrowser(UA.wechatAndroid)).toBe('wechat');
    expect(inAppBrowser(UA.wechatIOS)).toBe('wechat');
    expect(inAppBrowser(UA.qqAndroid)).toBe('qq');
    expect(inAppBrowser(UA.qqIOS)).toBe('qq');
    for (const ua of [UA.qqBrowser, UA.iosSafari, UA.androidChrome, UA.desktopChrome]) expect(inAppBrowser(ua)).toBeNull();
  });

  it('names the menu item each app has for leaving to the system browser', () => {
    expect(openInBrowserSteps('wechat', UA.wechatAndroid).join()).toContain('在浏览器打开');
    expect(openInBrowserSteps('wechat', UA.wechatIOS).join()).toContain('在 Safari 中打开');
    expect(openInBrowserSteps('qq', UA.qqAndroid).join()).toContain('用浏览器打开');
  });
});

describe('devices', () => {
  it('iOS, iPadOS asking for desktop pages, and phones', () => {
    expect(isIOS(UA.iosSafari)).toBe(true);
    expect(isIOS(UA.ipadDesktop, 5)).toBe(true);
    expect(isIOS(UA.ipadDesktop, 0)).toBe(false); // a Mac
    expect(isMobile(UA.androidChrome)).toBe(true);
    expect(isMobile(UA.desktopChrome)).toBe(false);
  });

  it('screen sharing only on desktop browsers that have getDisplayMedia', () => {
    expect(canShareScreen({ ua: UA.desktopChrome, hasDisplayMedia: true })).toBe(true);
    expect(canShareScreen({ ua: UA.desktopChrome, hasDisplayMedia: false })).toBe(false);
    expect(canShareScreen({ ua: UA.androidChrome, hasDisplayMedia: true })).toBe(false);
    expect(canShareScreen({ ua: UA.ipadDesktop, maxTouchPoints: 5, hasDisplayMedia: true })).toBe(false);
  });
});

describe('the video codec a phone sends with', () => {
  // What the router offers (sfu/codecs.ts): the device's capabilities are these, as the browser supports them.
  const routerVideo = mediaCodecs.filter((c) => c.kind === 'video').map((c) => ({ kind: c.kind, mimeType: c.mimeType, parameters: c.parameters ?? {} }));

  it('the router offers H264 constrained baseline with packetization-mode 1 besides VP8', () => {
    expect(routerVideo.map((c) => c.mimeType)).toEqual(['video/VP8', 'video/H264']);
  });

  it('iOS (Safari, and WeChat’s WebKit there) sends H264; everything else keeps the default (VP8)', () => {
    expect(preferredVideoCodec(routerVideo, UA.iosSafari)).toMatchObject({
      mimeType: 'video/H264',
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
    });
    expect(preferredVideoCodec(routerVideo, UA.wechatIOS)?.mimeType).toBe('video/H264');
    expect(preferredVideoCodec(routerVideo, UA.ipadDesktop, 5)?.mimeType).toBe('video/H264');
    for (const ua of [UA.androidChrome, UA.desktopChrome, UA.wechatAndroid]) expect(preferredVideoCodec(routerVideo, ua)).toBeUndefined();
  });

  it('among several H264 profiles the baseline with packetization-mode 1 wins; without H264 the default stays', () => {
    const offered = [
      { mimeType: 'video/VP8' },
      { mimeType: 'video/H264', parameters: { 'packetization-mode': 0, 'profile-level-id': '42e01f' } },
      { mimeType: 'video/H264', parameters: { 'packetization-mode': 1, 'profile-level-id': '640c1f' } },
      { mimeType: 'video/H264', parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } },
    ];
    expect(preferredVideoCodec(offered, UA.iosSafari)).toBe(offered[3]);
    expect(preferredVideoCodec([{ mimeType: 'video/VP8' }], UA.iosSafari)).toBeUndefined();
  });
});
