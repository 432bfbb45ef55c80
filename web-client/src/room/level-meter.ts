// Microphone level (0..1) from an AnalyserNode; the callback runs once per animation frame.

type AudioContextCtor = typeof AudioContext;

export function startLevelMeter(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const Ctor: AudioContextCtor | undefined = window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext;
  if (!Ctor) return () => undefined;
  const ctx = new Ctor();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const data = new Uint8Array(analyser.fftSize);
  let raf = 0;
  // Browsers start an AudioContext suspended until a user gesture.
  const resume = () => void ctx.resume().catch(() => undefined);
  document.addEventListener('pointerdown', resume);
  resume();
  const tick = () => {
    analyser.getByteTimeDomainData(data);
    onLevel(levelFromSamples(data));
    raf = requestAnimationFrame(tick);
  };
  raf = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(raf);
    document.removeEventListener('pointerdown', resume);
    source.disconnect();
    void ctx.close().catch(() => undefined);
  };
}

/** RMS of unsigned 8-bit PCM centred on 128, scaled so normal speech fills most of the bar. */
export function levelFromSamples(data: ArrayLike<number>): number {
  if (data.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = ((data[i] ?? 128) - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / data.length);
  return Math.min(1, rms * 4);
}
