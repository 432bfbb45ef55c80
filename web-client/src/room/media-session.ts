// The media half of the room: the mediasoup-client Device, the send and receive transports and
// their owners' children — my producers (media-producers.ts) and the consumers the server gives
// me (media-consumers.ts) — set up when admitted, resumed after a re-join, torn down on leaving
// the room's inside. Also the ICE watchdog and the network-quality sampling of the transports,
// which feeds 仅语音 (audio-first.ts). On phones: the camera front/back switch, and coming back
// from the background (recheck(): tracks the system ended are opened again and replaced in place).
import type { Device, types as ms } from 'mediasoup-client';
import { AudioFirst } from './audio-first.ts';
import { newDevice } from './device-prep.ts';
import { MediaConsumers, type InboundStat } from './media-consumers.ts';
import { parseIceParameters, parseRouterRtpCapabilities, parseTransportOptions } from './media-params.ts';
import { audioConstraints, classifyMediaError, listDevices, PROBLEM_TITLE, videoConstraints } from './media-devices.ts';
import { MediaProducers } from './media-producers.ts';
import { canShareScreen, currentEnv, preferredVideoCodec } from './phone-env.ts';
import { errorMessage, RoomRequestError, type MediaSource, type ResponseOf, type RoomRequest, type ServerEventHandlers } from './protocol.ts';
import { bandwidthFromStats, InboundLossMeter, sampleFromStats } from './quality.ts';
import type { RoomStore } from './room-store.ts';

const ICE_RESTART_DELAY_MS = 2_000;
const ICE_RETRY_MS = 6_000;
/** Once a second: the link policy needs a few samples in a row before it acts (link-policy.ts). */
const QUALITY_INTERVAL_MS = 1_000;

/** How long a track muted by the system may take to come back by itself before it is opened again. */
const MUTED_GRACE_MS = 1_500;

/** How long a switched-to camera may take to give the encoder its first frames, and how often that is looked at. */
const CAMERA_CHECK_MS = 3_000;
const CAMERA_CHECK_STEP_MS = 250;

/** Opens one camera alone. */
const openVideo = (c: MediaTrackConstraints) => navigator.mediaDevices.getUserMedia({ video: c }).then((s) => s.getVideoTracks()[0] ?? null);

/** Whether `track` is still muted (and live) after waiting up to `ms` for it to unmute. */
function stillMuted(track: MediaStreamTrack, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = () => {
      track.removeEventListener('unmute', done);
      window.clearTimeout(timer);
      resolve(track.readyState === 'live' && track.muted);
    };
    const timer = window.setTimeout(done, ms);
    track.addEventListener('unmute', done);
  });
}

/** A mediasoup-client Device loaded with the router's capabilities; UNSUPPORTED when this browser cannot. */
async function loadDevice(raw: unknown): Promise<Device> {
  const caps = parseRouterRtpCapabilities(raw);
  try {
    const device = await newDevice();
    await device.load({ routerRtpCapabilities: caps });
    return device;
  } catch (err) {
    console.warn('[room] device unsupported', err);
    throw new RoomRequestError('UNSUPPORTED', '当前浏览器不支持音视频通话，请使用最新版的微信、Safari 或 Chrome。您仍可以通过文字聊天参与调解。');
  }
}

/** What the media session asks of the room around it. */
export interface MediaPorts {
  store: RoomStore;
  request: RoomRequest;
  /** The room session still wants media (not leaving, not closed). */
  alive(): boolean;
  /** In the room with the socket up and no re-join under way (a re-join restarts ICE itself). */
  inRoom(): boolean;
}

export type ResumeOutcome = 'resumed' | 'stale' | 'failed';

export class MediaSession {
  readonly producers: MediaProducers;
  readonly consumers: MediaConsumers;
  readonly audioFirst: AudioFirst;
  readonly #store: RoomStore;
  readonly #request: RoomRequest;
  readonly #ports: MediaPorts;

  #device: Device | null = null;
  /** The Device loading from capabilities that came with the join or the admission. */
  #deviceLoading: Promise<Device> | null = null;
  /** Cameras that gave no video the encoder could take (tried by a switch in this session). */
  readonly #unusableCameras = new Set<string>();
  /** The router's capabilities as the join answer or the admission brought them (saves asking). */
  #routerCaps: unknown = null;
  #send: ms.Transport | null = null;
  #recv: ms.Transport | null = null;
  /** Bumped whenever media is torn down, so in-flight setup steps notice they are stale. */
  #gen = 0;
  /** resume() is restarting ICE (the watchdog stays out of its way). */
  #resuming = false;
  readonly #iceTimers = new Map<string, number>();
  #iceRestarts = 0;
  #qualityTimer = 0;
  readonly #inboundLoss = new InboundLossMeter();

  constructor(ports: MediaPorts) {
    this.#ports = ports;
    this.#store = ports.store;
    this.#request = ports.request;
    this.producers = new MediaProducers(ports.store, ports.request);
    this.consumers = new MediaConsumers(ports.store, ports.request);
    this.audioFirst = new AudioFirst({
      store: ports.store,
      request: ports.request,
      producers: this.producers,
      consumers: this.consumers,
      online: () => ports.inRoom(),
    });
  }

  /** The server events about my media. */
  readonly handlers: Pick<ServerEventHandlers, 'media:newConsumer' | 'media:consumerClosed' | 'media:consumerPaused' | 'media:adminMuted'> = {
    'media:newConsumer': (p, ack) => {
      this.consumers.add(p, ack, this.#recv, (t) => t === this.#recv).catch((err: unknown) => console.warn('[room] new consumer failed', err));
    },
    'media:consumerClosed': (e) => this.consumers.close(e.consumerId),
    'media:consumerPaused': (e) => this.consumers.setPaused(e.consumerId, e.paused),
    'media:adminMuted': (e) => this.producers.onAdminMuted(e),
  };

  /**
   * The router's RTP capabilities came with the join answer or the admission: the Device loads
   * from them at once (its browser probe runs while the room screen renders); start() takes it.
   */
  setRouterCapabilities(caps: unknown): void {
    if (!caps) return;
    this.#routerCaps = caps;
    if (this.#device || this.#deviceLoading) return;
    const loading = loadDevice(caps);
    this.#deviceLoading = loading;
    loading.catch(() => {
      if (this.#deviceLoading === loading) this.#deviceLoading = null; // start() tries again and says why
    });
  }

  /**
   * Transports, producers and `media:ready` from scratch (anything there was is torn down first).
   * Round trips kept few: the router's capabilities usually came with the join, both transports
   * come from one request — sent before the Device has loaded, so both happen at once — and
   * `media:ready` (what I receive) goes out while my producers are made.
   */
  async start(): Promise<void> {
    this.teardown();
    const gen = this.#gen;
    const current = () => gen === this.#gen;
    const stale = () => !current() || !this.#ports.alive();
    this.#store.patch({ mediaStatus: 'connecting', mediaError: null });
    const { audioTrack, videoTrack } = this.#store.state.local;
    const liveAudio = !!audioTrack && audioTrack.readyState === 'live';
    const liveVideo = !!videoTrack && videoTrack.readyState === 'live';
    // Those who lead the room get a send transport even without devices: they may share a screen.
    const transportsAsked = this.#request('media:createTransports', { send: liveAudio || liveVideo || this.#store.leads });
    transportsAsked.catch(() => undefined); // awaited below, unless the Device fails first
    try {
      if (!this.#device) {
        const loading = this.#deviceLoading;
        this.#deviceLoading = null;
        const raw = loading ? null : (this.#routerCaps ?? (await this.#request('media:getRouterRtpCapabilities', {})).rtpCapabilities);
        if (stale()) return;
        this.#device = await (loading ?? loadDevice(raw));
        if (stale()) return;
      }
      const device = this.#device;
      const wantAudio = liveAudio && device.canProduce('audio');
      const wantVideo = liveVideo && device.canProduce('video');

      const transports = await transportsAsked;
      if (stale()) return;
      if (transports.send) this.#send = this.#makeTransport(device, 'send', transports.send);
      this.#recv = this.#makeTransport(device, 'recv', transports.recv);

      const send = this.#send;
      const produceMine = async () => {
        if (wantAudio && audioTrack && send) await this.producers.produce(send, 'audio', audioTrack, current);
        if (stale()) return;
        if (wantVideo && videoTrack && send) await this.producers.produce(send, 'video', videoTrack, current, this.#videoCodec(device));
      };
      // 仅语音 before any consumer: no video is sent to me even for a moment.
      if (this.#store.state.audioOnly) await this.audioFirst.tellServer();
      if (stale()) return;
      // Receiving does not wait for sending: the others' media can start while mine is set up.
      await Promise.all([this.#request('media:ready', { rtpCapabilities: device.recvRtpCapabilities }), produceMine()]);
      if (stale()) return;
      this.#store.patch({ mediaStatus: 'ready' });
    } catch (err) {
      if (stale()) return;
      console.warn('[room] media setup failed', err);
      this.#store.patch({ mediaStatus: 'failed', mediaError: errorMessage(err, '音视频连接失败，您仍可以通过文字聊天参与调解') });
    }
  }

  /** Media is up and can be resumed after a re-join instead of built again. */
  get resumable(): boolean {
    return this.#store.state.mediaStatus === 'ready' && !!this.#device && !!this.#recv && !this.#recv.closed;
  }

  /**
   * After a socket re-join with my place kept: restart ICE, then let the server recreate the
   * consumers. 'failed': the server no longer has my transports (e.g. restarted) — start() again.
   */
  async resume(): Promise<ResumeOutcome> {
    const gen = this.#gen;
    const device = this.#device;
    if (!device) return 'failed';
    this.#resuming = true;
    try {
      for (const t of [this.#send, this.#recv]) {
        if (!t || t.closed) continue;
        this.#iceRestarts++;
        const reply = await this.#request('media:restartIce', { transportId: t.id });
        if (gen !== this.#gen) return 'stale';
        await t.restartIce({ iceParameters: parseIceParameters(reply.iceParameters) });
      }
      this.consumers.closeAll();
      if (this.#store.state.audioOnly) await this.audioFirst.tellServer();
      await this.#request('media:ready', { rtpCapabilities: device.recvRtpCapabilities });
      return gen === this.#gen ? 'resumed' : 'stale';
    } catch (err) {
      if (gen !== this.#gen || !this.#ports.alive()) return 'stale';
      console.warn('[room] resume failed, restarting media', err);
      return 'failed';
    } finally {
      this.#resuming = false;
    }
  }

  #makeTransport(device: Device, direction: 'send' | 'recv', params: ResponseOf<'media:createTransport'>): ms.Transport {
    const options = parseTransportOptions(params);
    const t = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    t.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#request('media:connectTransport', { transportId: t.id, dtlsParameters }).then(
        () => callback(),
        (err: unknown) => errback(err instanceof Error ? err : new Error(String(err))),
      );
    });
    if (direction === 'send') {
      t.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source: MediaSource = appData.source === 'camera' || appData.source === 'screen' ? appData.source : 'microphone';
        this.#request('media:produce', { transportId: t.id, kind, rtpParameters, source, paused: appData.paused === true }).then(
          ({ producerId }) => callback({ id: producerId }),
          (err: unknown) => errback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    }
    t.on('connectionstatechange', (state) => {
      if (state === 'failed' || state === 'disconnected') this.#scheduleIceRestart(t, ICE_RESTART_DELAY_MS);
      else if (state === 'connected' || state === 'closed') this.#clearIceTimer(t.id);
      this.#updateUnstable();
    });
    return t;
  }

  #videoCodec(device: Device): ms.RtpCodecCapability | undefined {
    const { ua, maxTouchPoints } = currentEnv();
    return preferredVideoCodec(device.rtpCapabilities.codecs ?? [], ua, maxTouchPoints);
  }

  // ── screen sharing (leaders, desktop browsers) ─────────────────────────────

  /** This browser can share a screen and I lead the room. */
  get canShareScreen(): boolean {
    const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    return this.#store.leads && canShareScreen({ ...currentEnv(), hasDisplayMedia: typeof md?.getDisplayMedia === 'function' });
  }

  /** Asks the browser for a screen, window or tab and publishes it; the server decides who sees it. */
  async shareScreen(): Promise<void> {
    if (!this.canShareScreen || this.#store.state.local.screenTrack) return;
    const send = this.#send;
    if (!send || send.closed || this.#store.state.mediaStatus !== 'ready' || !this.#device) {
      this.#store.notice('音视频尚未连接，暂时无法共享屏幕', 'error');
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 10, max: 15 } }, audio: false });
    } catch (err) {
      // The chooser was cancelled (NotAllowedError): nothing to say.
      if (classifyMediaError(err) !== 'denied') this.#store.notice('无法共享屏幕', 'error');
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    if (send !== this.#send || send.closed) {
      track.stop();
      return;
    }
    track.contentHint = 'detail';
    await this.producers.shareScreen(send, track, this.#videoCodec(this.#device));
  }

  stopScreen(): Promise<void> {
    return this.producers.stopScreen();
  }

  // ── phones: camera switch, coming back from the background ─────────────────

  /** How many cameras this device has (the switch shows only with more than one). */
  async countCameras(): Promise<void> {
    const { video } = await listDevices();
    if (video.length !== this.#store.state.local.cameraCount) this.#store.patchLocal({ cameraCount: video.length });
  }

  /**
   * Front ⇄ back camera: the other facing mode, or — where the cameras do not say which way they
   * face — the next camera. The old track is stopped first (phones open one camera at a time); the
   * producer sends the new track in place, so receivers keep their consumer. A camera whose video
   * never reaches the encoder (a laptop's infrared or depth camera is listed like any other) is
   * skipped and remembered; with none left, the camera in use before is opened again.
   */
  async switchCamera(): Promise<void> {
    const old = this.#store.state.local.videoTrack;
    if (!old) return;
    const settings = old.getSettings();
    const facing = settings.facingMode === 'environment' ? 'user' : 'environment';
    const { video: cameras } = await listDevices();
    const at = cameras.findIndex((d) => d.deviceId === settings.deviceId);
    const others = cameras
      .slice(at + 1)
      .concat(cameras.slice(0, Math.max(at, 0)))
      .filter((d) => d.deviceId !== settings.deviceId && !this.#unusableCameras.has(d.deviceId));
    const attempts: MediaTrackConstraints[] = [
      ...(settings.facingMode ? [{ ...videoConstraints(), facingMode: { exact: facing } }] : []),
      ...others.map((d) => videoConstraints(d.deviceId)),
    ];
    const enabled = old.enabled;
    old.stop();
    for (const constraints of attempts) {
      const track = await openVideo(constraints).catch(() => null);
      if (!track || track.getSettings().deviceId === settings.deviceId) {
        track?.stop();
        continue;
      }
      track.enabled = enabled;
      if (!(await this.#sendTrack(track))) return;
      if (await this.#cameraEncodes()) return;
      const id = track.getSettings().deviceId;
      if (id) this.#unusableCameras.add(id);
      track.stop();
    }
    // No other camera works: back to the one in use before.
    try {
      const track = await openVideo(videoConstraints(settings.deviceId));
      if (!track) return;
      track.enabled = enabled;
      if (await this.#sendTrack(track)) this.#store.notice('没有其他可用的摄像头', 'info');
    } catch (err) {
      this.#store.notice(PROBLEM_TITLE[classifyMediaError(err)], 'error');
    }
  }

  /** The camera producer sends `track` from now on; false (and said) when that failed. */
  async #sendTrack(track: MediaStreamTrack): Promise<boolean> {
    try {
      await this.producers.replaceTrack('video', track);
      return true;
    } catch (err) {
      console.warn('[room] camera not switched', err);
      track.stop();
      this.#store.notice('切换摄像头失败', 'error');
      return false;
    }
  }

  /** Whether the camera producer's encoder takes frames within a moment (true when it is not sending at all: nothing to judge). */
  async #cameraEncodes(): Promise<boolean> {
    const first = await this.producers.cameraFramesEncoded();
    if (first === null) return true;
    for (let waited = 0; waited < CAMERA_CHECK_MS; waited += CAMERA_CHECK_STEP_MS) {
      await new Promise((r) => window.setTimeout(r, CAMERA_CHECK_STEP_MS));
      const now = await this.producers.cameraFramesEncoded();
      if (now === null || now > first) return true;
    }
    return false;
  }

  /**
   * Back from the background: a phone may have ended or muted my camera and microphone meanwhile
   * (iOS does when another app took them). Each such track is opened again and replaced in place.
   */
  async recheck(): Promise<void> {
    const L = this.#store.state.local;
    const kinds: ['audio' | 'video', MediaStreamTrack | null][] = [
      ['audio', L.audioTrack],
      ['video', L.videoTrack],
    ];
    for (const [kind, track] of kinds) {
      if (!track || track.readyState === 'live') {
        // Muted: the source gives nothing for now; often only for a moment after coming back.
        if (!track || !track.muted || !(await stillMuted(track, MUTED_GRACE_MS))) continue;
      }
      const settings = track.getSettings();
      try {
        const stream = await navigator.mediaDevices.getUserMedia(
          kind === 'audio' ? { audio: audioConstraints(settings.deviceId) } : { video: videoConstraints(settings.deviceId) },
        );
        const fresh = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
        if (!fresh) continue;
        fresh.enabled = track.enabled;
        track.stop();
        await this.producers.replaceTrack(kind, fresh);
      } catch (err) {
        console.warn(`[room] ${kind} not reopened`, err);
        this.#store.notice(kind === 'audio' ? '麦克风已断开，请检查后点击「重新检测」或重新进入' : '摄像头已断开', 'error');
      }
    }
  }

  /** Closes transports, producers and consumers (never the local tracks); the Device stays. */
  teardown(): void {
    this.#gen++;
    for (const id of [...this.#iceTimers.keys()]) this.#clearIceTimer(id);
    this.consumers.closeAll();
    this.producers.closeAll();
    for (const t of [this.#send, this.#recv]) if (t && !t.closed) t.close();
    this.#send = null;
    this.#recv = null;
    this.audioFirst.reset();
    this.#inboundLoss.reset();
    if (this.#store.state.mediaUnstable) this.#store.patch({ mediaUnstable: false });
  }

  /** For good: teardown and no more quality sampling. */
  close(): void {
    window.clearInterval(this.#qualityTimer);
    this.teardown();
  }

  // ── ICE watchdog ───────────────────────────────────────────────────────────

  #scheduleIceRestart(t: ms.Transport, delayMs: number): void {
    if (this.#iceTimers.has(t.id)) return;
    const bad = () => !t.closed && (t.connectionState === 'failed' || t.connectionState === 'disconnected');
    const timer = window.setTimeout(() => {
      this.#iceTimers.delete(t.id);
      if (!bad() || !this.#ports.alive()) return;
      this.#restartIce(t).then(
        () => {
          if (bad()) this.#scheduleIceRestart(t, ICE_RETRY_MS);
        },
        (err: unknown) => console.warn('[room] ICE watchdog failed', err),
      );
    }, delayMs);
    this.#iceTimers.set(t.id, timer);
  }

  async #restartIce(t: ms.Transport): Promise<void> {
    if (!this.#ports.inRoom() || this.#resuming || this.#store.state.status !== 'admitted') return;
    try {
      this.#iceRestarts++;
      const reply = await this.#request('media:restartIce', { transportId: t.id });
      if (!t.closed) await t.restartIce({ iceParameters: parseIceParameters(reply.iceParameters) });
    } catch (err) {
      console.warn('[room] ICE restart failed', err);
    }
  }

  #clearIceTimer(id: string): void {
    const timer = this.#iceTimers.get(id);
    if (timer !== undefined) window.clearTimeout(timer);
    this.#iceTimers.delete(id);
  }

  #updateUnstable(): void {
    const unstable = [this.#send, this.#recv].some((t) => !!t && !t.closed && (t.connectionState === 'failed' || t.connectionState === 'disconnected'));
    if (unstable !== this.#store.state.mediaUnstable) this.#store.patch({ mediaUnstable: unstable });
  }

  // ── quality ────────────────────────────────────────────────────────────────

  startSampling(): void {
    this.#qualityTimer = window.setInterval(() => {
      this.#sampleQuality().catch((err: unknown) => console.warn('[room] quality sample failed', err));
    }, QUALITY_INTERVAL_MS);
  }

  async #sampleQuality(): Promise<void> {
    const { status, online, quality } = this.#store.state;
    if (status !== 'admitted') return;
    if (!online) {
      if (quality !== 'poor') this.#store.patch({ quality: 'poor' });
      return;
    }
    const open = (t: ms.Transport | null) => (t && !t.closed ? t : null);
    const send = open(this.#send);
    const recv = open(this.#recv);
    if (!send && !recv) return;
    let sent: RTCStatsReport | null;
    let received: RTCStatsReport | null;
    try {
      [sent, received] = await Promise.all([send?.getStats() ?? null, recv?.getStats() ?? null]);
    } catch {
      return; // A transport is closing; the next tick will tell.
    }
    const { rttMs, lossFraction: uplinkLoss } = sampleFromStats([...(sent?.values() ?? []), ...(received?.values() ?? [])]);
    const downlinkLoss = received ? this.#inboundLoss.sample(received.values()) : null;
    await this.audioFirst.onSample({
      rttMs,
      lossFraction: downlinkLoss ?? uplinkLoss,
      bandwidthKbps: sent ? bandwidthFromStats(sent.values()) : null,
    });
  }

  // ── test support ───────────────────────────────────────────────────────────

  get sendTransportId(): string | null {
    return this.#send?.id ?? null;
  }

  get recvTransportId(): string | null {
    return this.#recv?.id ?? null;
  }

  /** ICE restarts asked for (watchdog or resume) — caucus moves never add to it. */
  get iceRestarts(): number {
    return this.#iceRestarts;
  }

  iceStates(): { send: string | null; recv: string | null } {
    return {
      send: this.#send && !this.#send.closed ? this.#send.connectionState : null,
      recv: this.#recv && !this.#recv.closed ? this.#recv.connectionState : null,
    };
  }

  inboundStats(): Promise<InboundStat[]> {
    return this.consumers.inboundStats();
  }
}
