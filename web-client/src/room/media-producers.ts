// What I send: the microphone and camera producers on the send transport, and whether each is
// off — by my own choice (toggleMic/toggleCamera, applied one click after another), by the
// mediator (`media:adminMuted`, which I cannot undo), or, for the camera, by 仅语音 (audio-first:
// manual or on a weak link). Also the screen a leader shares (a second video producer, source
// 'screen': the server routes it like any video) and swapping a producer's track in place (camera
// front/back, a track the phone ended while in the background). Owned by the media session.
import type { types as ms } from 'mediasoup-client';
import { errorMessage, RoomRequestError, type PeerInfo, type RoomRequest, type ServerEventPayload } from './protocol.ts';
import type { Kind, LocalMedia, RoomStore } from './room-store.ts';

/** Two simulcast layers for a 640×480 camera. */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 600_000 },
];

/** One layer for a shared screen: text must stay sharp, motion may be slow. */
export const SCREEN_ENCODINGS: RTCRtpEncodingParameters[] = [{ maxBitrate: 1_200_000, maxFramerate: 15 }];

const ADMIN_MUTED_NOTICE: Record<Kind, string> = {
  audio: '调解员已将您静音，暂时无法自行开启麦克风',
  video: '调解员已关闭您的摄像头，暂时无法自行开启',
};

export class MediaProducers {
  readonly #store: RoomStore;
  readonly #request: RoomRequest;
  #mic: ms.Producer | null = null;
  #cam: ms.Producer | null = null;
  #screen: ms.Producer | null = null;
  readonly #toggleChain: Record<Kind, Promise<void>> = { audio: Promise.resolve(), video: Promise.resolve() };

  constructor(store: RoomStore, request: RoomRequest) {
    this.#store = store;
    this.#request = request;
  }

  #producer(kind: Kind): ms.Producer | null {
    return kind === 'audio' ? this.#mic : this.#cam;
  }

  /** Publishes `track` on `send`; `current()` false means the media it belongs to was torn down meanwhile. */
  async produce(send: ms.Transport, kind: Kind, track: MediaStreamTrack, current: () => boolean, videoCodec?: ms.RtpCodecCapability): Promise<void> {
    const L = this.#store.state.local;
    // Joining with mic/camera off publishes paused on the server from the start.
    const startOff = kind === 'audio' ? L.micMuted : this.#selfVideoOff();
    let producer: ms.Producer;
    try {
      producer =
        kind === 'audio'
          ? await send.produce({
              track,
              stopTracks: false,
              codecOptions: { opusStereo: false, opusDtx: true, opusFec: true },
              appData: { source: 'microphone', paused: startOff },
            })
          : await send.produce({
              track,
              stopTracks: false,
              encodings: CAMERA_ENCODINGS,
              // iOS: H264 (its hardware encoder; phone-env.ts); elsewhere the router's first, VP8.
              ...(videoCodec ? { codec: videoCodec } : {}),
              codecOptions: { videoGoogleStartBitrate: 1000 },
              // Paused means nothing on the wire (not black frames): 仅语音 frees the link for the voice.
              zeroRtpOnPause: true,
              appData: { source: 'camera', paused: startOff },
            });
    } catch (err) {
      if (!current()) return;
      console.warn(`[room] produce ${kind} failed`, err);
      this.#store.notice(kind === 'audio' ? '麦克风声音发送失败' : '摄像头画面发送失败', 'error');
      return;
    }
    if (!current()) {
      producer.close();
      return;
    }
    if (kind === 'audio') this.#mic = producer;
    else this.#cam = producer;
    producer.on('trackended', () => this.#store.notice(kind === 'audio' ? '麦克风已断开' : '摄像头已断开', 'error'));
    producer.on('transportclose', () => {
      if (kind === 'audio' && this.#mic === producer) this.#mic = null;
      if (kind === 'video' && this.#cam === producer) this.#cam = null;
    });
    this.#store.patchLocal(kind === 'audio' ? { micProducerId: producer.id, audioAdminMuted: false } : { camProducerId: producer.id, videoAdminMuted: false });
    const local = this.#store.state.local;
    const selfOff = kind === 'audio' ? local.micMuted : this.#selfVideoOff();
    if (selfOff) this.applyPause(kind);
    // Toggled while the producer was being created: tell the server the current choice.
    if (selfOff !== startOff) await this.#tellPaused(producer, selfOff);
  }

  /** Local producer paused ⇔ turned off by self or by the mediator (without a producer: the track). */
  applyPause(kind: Kind): void {
    const L = this.#store.state.local;
    const producer = this.#producer(kind);
    const off = kind === 'audio' ? L.micMuted || L.audioAdminMuted : this.#selfVideoOff() || L.videoAdminMuted;
    if (producer && !producer.closed) {
      if (off && !producer.paused) producer.pause();
      else if (!off && producer.paused) producer.resume();
    } else {
      const track = kind === 'audio' ? L.audioTrack : L.videoTrack;
      if (track) track.enabled = !off;
    }
  }

  /** After a re-join: the server learns my own mute choices again. */
  async syncPausedToServer(): Promise<void> {
    const L = this.#store.state.local;
    const items: [ms.Producer | null, boolean][] = [
      [this.#mic, L.micMuted],
      [this.#cam, this.#selfVideoOff()],
    ];
    for (const [producer, paused] of items) if (producer && !producer.closed) await this.#tellPaused(producer, paused);
  }

  /** My camera is on the wire now (the link policy reads the bandwidth estimate only then). */
  get sendingVideo(): boolean {
    return !!this.#cam && !this.#cam.closed && !this.#cam.paused;
  }

  /**
   * Video frames my camera producer has encoded so far (all simulcast layers), or null when it is
   * not sending (none, closed or paused): a camera whose frames the encoder cannot take — a depth
   * or infrared camera listed among the others — leaves this standing still.
   */
  async cameraFramesEncoded(): Promise<number | null> {
    const cam = this.#cam;
    if (!cam || cam.closed || cam.paused) return null;
    let frames = 0;
    (await cam.getStats()).forEach((s: { type: string; framesEncoded?: number }) => {
      if (s.type === 'outbound-rtp') frames += s.framesEncoded ?? 0;
    });
    return frames;
  }

  /** My camera is off by my own doing: turned off, or 仅语音. */
  #selfVideoOff(): boolean {
    return this.#store.state.local.camOff || this.#store.state.audioOnly !== null;
  }

  /** 仅语音 changed (store.audioOnly): the camera stops or starts sending, locally first, then on the server. */
  async audioOnlyChanged(): Promise<void> {
    this.applyPause('video');
    const cam = this.#cam;
    if (cam && !cam.closed) await this.#tellPaused(cam, this.#selfVideoOff());
  }

  async #tellPaused(producer: ms.Producer, paused: boolean): Promise<void> {
    try {
      await this.#request('media:setProducerPaused', { producerId: producer.id, paused });
    } catch (err) {
      console.warn('[room] producer pause not sent', err);
    }
  }

  /** `media:adminMuted`: a mediator muted or released one of my producers. */
  onAdminMuted(e: ServerEventPayload<'media:adminMuted'>): void {
    const producer = this.#producer(e.kind);
    if (producer && producer.id !== e.producerId) return; // about an old producer
    this.#setAdminMuted(e.kind, e.muted, true);
  }

  /** The roster is authoritative for my own mediator-mute state (covers missed events). */
  syncFromRoster(me: PeerInfo): void {
    const L = this.#store.state.local;
    for (const prod of me.producers) {
      if (prod.producerId === this.#mic?.id && prod.adminMuted !== L.audioAdminMuted) this.#setAdminMuted('audio', prod.adminMuted, false);
      if (prod.producerId === this.#cam?.id && prod.adminMuted !== L.videoAdminMuted) this.#setAdminMuted('video', prod.adminMuted, false);
    }
  }

  #setAdminMuted(kind: Kind, muted: boolean, announce: boolean): void {
    this.#store.patchLocal(kind === 'audio' ? { audioAdminMuted: muted } : { videoAdminMuted: muted });
    this.applyPause(kind);
    // Muting is shown by a persistent banner; only the release needs a notice.
    if (announce && !muted) this.#store.notice(kind === 'audio' ? '调解员已解除对您的静音' : '调解员已允许您开启摄像头', 'info');
  }

  /** Clicks are applied one after another (each flips the state as it is then). */
  toggle(kind: Kind): Promise<void> {
    const run = this.#toggleChain[kind].then(() => this.#toggleNow(kind));
    this.#toggleChain[kind] = run.catch(() => undefined); // the click's own caller gets the failure
    return run;
  }

  async #toggleNow(kind: Kind): Promise<void> {
    const L = this.#store.state.local;
    if (kind === 'audio' ? L.audioAdminMuted : L.videoAdminMuted) {
      this.#store.notice(ADMIN_MUTED_NOTICE[kind], 'info');
      return;
    }
    if (kind === 'video' && this.#store.state.audioOnly) {
      this.#store.notice('仅语音模式下不发送视频，请先关闭仅语音', 'info');
      return;
    }
    const turnOff = !(kind === 'audio' ? L.micMuted : L.camOff);
    const flag = (off: boolean): Partial<LocalMedia> => (kind === 'audio' ? { micMuted: off } : { camOff: off });
    const producer = this.#producer(kind);
    if (!producer || producer.closed) {
      this.#store.patchLocal(flag(turnOff));
      this.applyPause(kind);
      return;
    }
    if (turnOff) {
      // Privacy first: stop sending locally before asking the server.
      this.#store.patchLocal(flag(true));
      this.applyPause(kind);
      await this.#request('media:setProducerPaused', { producerId: producer.id, paused: true }).catch((err: unknown) => {
        if (!(err instanceof RoomRequestError && err.code === 'OFFLINE')) this.#store.notice(errorMessage(err), 'error');
      });
    } else {
      try {
        await this.#request('media:setProducerPaused', { producerId: producer.id, paused: false });
      } catch (err) {
        if (err instanceof RoomRequestError && err.code === 'ADMIN_MUTED') {
          this.#setAdminMuted(kind, true, false);
          this.#store.notice(ADMIN_MUTED_NOTICE[kind], 'info');
        } else {
          this.#store.notice(errorMessage(err), 'error');
        }
        return;
      }
      this.#store.patchLocal(flag(false));
      this.applyPause(kind);
    }
  }

  /**
   * The camera or microphone track changed (front/back camera, a track re-acquired after the phone
   * ended it in the background): the producer sends the new one from now on, without a new
   * producer — receivers keep their consumer. Without a producer only the local state changes.
   */
  async replaceTrack(kind: Kind, track: MediaStreamTrack): Promise<void> {
    const producer = this.#producer(kind);
    if (producer && !producer.closed) await producer.replaceTrack({ track });
    this.#store.patchLocal(kind === 'audio' ? { audioTrack: track } : { videoTrack: track });
    this.applyPause(kind);
  }

  /** Publishes a shared screen (`track` from getDisplayMedia) on `send`; stops the track if that fails. */
  async shareScreen(send: ms.Transport, track: MediaStreamTrack, videoCodec?: ms.RtpCodecCapability): Promise<void> {
    this.#store.patchLocal({ screenTrack: track });
    let producer: ms.Producer;
    try {
      producer = await send.produce({
        track,
        stopTracks: false,
        encodings: SCREEN_ENCODINGS,
        ...(videoCodec ? { codec: videoCodec } : {}),
        appData: { source: 'screen', paused: false },
      });
    } catch (err) {
      console.warn('[room] screen share failed', err);
      track.stop();
      if (this.#store.state.local.screenTrack === track) this.#store.patchLocal({ screenTrack: null });
      this.#store.notice(errorMessage(err, '屏幕共享失败'), 'error');
      return;
    }
    if (this.#store.state.local.screenTrack !== track) {
      producer.close(); // stopped while it was being set up
      await this.#closeOnServer(producer.id);
      return;
    }
    this.#screen = producer;
    this.#store.patchLocal({ screenProducerId: producer.id });
    // The browser's own 「停止共享」 bar ends the track.
    producer.on('trackended', () => {
      this.stopScreen().catch((err: unknown) => console.warn('[room] stop screen failed', err));
    });
    producer.on('transportclose', () => {
      if (this.#screen === producer) this.stopScreen().catch((err: unknown) => console.warn('[room] stop screen failed', err));
    });
  }

  /** Stops sharing: the track (the browser's sharing indicator goes), the producer, then the server. */
  async stopScreen(): Promise<void> {
    const producer = this.#screen;
    const track = this.#store.state.local.screenTrack;
    this.#screen = null;
    track?.stop();
    if (track || this.#store.state.local.screenProducerId) this.#store.patchLocal({ screenTrack: null, screenProducerId: null });
    if (!producer || producer.closed) return;
    producer.close();
    await this.#closeOnServer(producer.id);
  }

  async #closeOnServer(producerId: string): Promise<void> {
    try {
      await this.#request('media:closeProducer', { producerId });
    } catch (err) {
      // Offline or already gone: the server closes it with the transport or my leaving.
      console.warn('[room] screen producer not closed on the server', err);
    }
  }

  /** Closes all producers (never the camera and microphone tracks; a shared screen stops) and forgets the mediator mutes. */
  closeAll(): void {
    if (this.#screen || this.#store.state.local.screenTrack) {
      const screen = this.#screen;
      this.#screen = null;
      if (screen && !screen.closed) screen.close();
      this.#store.state.local.screenTrack?.stop();
      this.#store.patchLocal({ screenTrack: null, screenProducerId: null });
    }
    for (const p of [this.#mic, this.#cam]) if (p && !p.closed) p.close();
    this.#mic = null;
    this.#cam = null;
    const L = this.#store.state.local;
    if (L.micProducerId || L.camProducerId || L.audioAdminMuted || L.videoAdminMuted) {
      this.#store.patchLocal({ micProducerId: null, camProducerId: null, audioAdminMuted: false, videoAdminMuted: false });
    }
    // Keep the local tracks' enabled flag in line with the participant's own choice.
    this.applyPause('audio');
    this.applyPause('video');
  }
}
