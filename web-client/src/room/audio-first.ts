// 仅语音 (audio-first): the participant's own switch and the link policy's automatic one
// (link-policy.ts), and what a change does — my camera stops sending (media-producers.ts), the
// server stops sending me video (`media:setAudioOnly`), and the simulcast layer I ask for follows
// the link (media-consumers.ts). Owned by the media session, which feeds it a sample a second.
import type { MediaConsumers } from './media-consumers.ts';
import type { MediaProducers } from './media-producers.ts';
import { decideLink, INITIAL_LINK_STATE, stepLink, type LinkPolicyState } from './link-policy.ts';
import { errorMessage, RoomRequestError, type RoomRequest } from './protocol.ts';
import { QualityTracker, type QualitySample } from './quality.ts';
import type { RoomState, RoomStore } from './room-store.ts';

export interface AudioFirstParts {
  store: RoomStore;
  request: RoomRequest;
  producers: MediaProducers;
  consumers: MediaConsumers;
  /** The socket is up (requests can be sent now). */
  online(): boolean;
}

export class AudioFirst {
  readonly #parts: AudioFirstParts;
  #manual = false;
  #policy: LinkPolicyState = INITIAL_LINK_STATE;
  /** RTT and loss averaged over a few samples (one lost RTCP report must not count as a trend). */
  readonly #tracker = new QualityTracker(3);
  /** Changes are applied one after another, each to the state as it is then. */
  #chain: Promise<void> = Promise.resolve();

  constructor(parts: AudioFirstParts) {
    this.#parts = parts;
  }

  /** The participant's own 仅语音 switch (it wins over the link policy either way). */
  setManual(on: boolean): Promise<void> {
    this.#manual = on;
    return this.#apply();
  }

  get manual(): boolean {
    return this.#manual;
  }

  /** One second's statistics of my transports. */
  onSample(sample: QualitySample & { bandwidthKbps: number | null }): Promise<void> {
    this.#tracker.push(sample);
    const avg = this.#tracker.average();
    const known = avg.rttMs !== null || avg.lossFraction !== null || sample.bandwidthKbps !== null;
    this.#policy = stepLink(this.#policy, { ...avg, bandwidthKbps: sample.bandwidthKbps, sendingVideo: this.#parts.producers.sendingVideo });
    const decision = decideLink(this.#policy.level);
    const { store, consumers, online } = this.#parts;
    const quality: RoomState['quality'] = known ? decision.level : 'unknown';
    if (quality !== store.state.quality) store.patch({ quality });
    consumers.setLinkLayer(decision.preferredLayer, online());
    return this.#apply();
  }

  /** Media torn down: measurements start again (the participant's own choice stays). */
  reset(): void {
    this.#tracker.reset();
    this.#policy = INITIAL_LINK_STATE;
  }

  /** What the server must know before it creates my consumers (media setup, after a re-join). */
  async tellServer(): Promise<void> {
    const mode = this.#parts.store.state.audioOnly;
    await this.#parts.request('media:setAudioOnly', { audioOnly: mode !== null, automatic: mode === 'auto' });
  }

  #wanted(): RoomState['audioOnly'] {
    if (this.#manual) return 'manual';
    return decideLink(this.#policy.level).sendVideo ? null : 'auto';
  }

  #apply(): Promise<void> {
    const run = this.#chain.then(() => this.#applyNow());
    this.#chain = run.catch(() => undefined); // the caller of this change gets its failure
    return run;
  }

  async #applyNow(): Promise<void> {
    const { store, producers, online } = this.#parts;
    const wanted = this.#wanted();
    if (wanted === store.state.audioOnly) return;
    const was = store.state.audioOnly;
    store.patch({ audioOnly: wanted });
    if (was === null || wanted === null) await producers.audioOnlyChanged();
    if (!online() || store.state.status !== 'admitted') return; // told at the next media setup
    try {
      await this.tellServer();
    } catch (err) {
      if (!(err instanceof RoomRequestError && err.code === 'OFFLINE')) store.notice(errorMessage(err), 'error');
    }
  }
}
