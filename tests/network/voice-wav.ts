// A voice-like microphone signal for Chromium's fake capture (--use-file-for-fake-audio-capture).
// Chromium's own fake microphone beeps once a second and is silent otherwise: Opus then sends
// DTX and never in-band FEC (it protects only frames it takes for speech), so loss figures
// measured with it say nothing about a person talking. This is a person talking without pause:
// a glottal pulse train (pitch gliding 110–180 Hz) through vowel formants that change at
// syllable rate, with a syllable-rate loudness that never drops to silence.
import { writeFileSync } from 'node:fs';

const RATE = 48_000;

/** Formants (Hz) of the vowels the voice moves through: /a/, /i/, /u/, /e/, /o/. */
const VOWELS: ReadonlyArray<readonly [number, number, number]> = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
  [530, 1840, 2480],
  [570, 840, 2410],
];
const SYLLABLE_S = 0.22;

function formantsAt(t: number): readonly [number, number, number] {
  const pos = t / SYLLABLE_S;
  const i = Math.floor(pos);
  const a = VOWELS[i % VOWELS.length]!;
  const b = VOWELS[(i + 1) % VOWELS.length]!;
  // Glide between vowels over each syllable's last third, as in running speech.
  const x = Math.max(0, (pos - i - 2 / 3) * 3);
  return [a[0] + (b[0] - a[0]) * x, a[1] + (b[1] - a[1]) * x, a[2] + (b[2] - a[2]) * x];
}

/** Spectral envelope of three formants of 90 Hz bandwidth at frequency f. */
function envelope(f: number, formants: readonly [number, number, number]): number {
  let sum = 0;
  for (const [k, F] of formants.entries()) sum += 1 / (k + 1) / (1 + ((f - F) / 90) ** 2);
  return sum;
}

/** Writes `seconds` of the voice as 16-bit mono PCM WAV at 48 kHz (Chromium loops it). */
export function writeVoiceWav(file: string, seconds = 20): void {
  const n = Math.round(RATE * seconds);
  const pcm = Buffer.alloc(n * 2);
  let phase = 0; // of the fundamental, in cycles
  let seed = 1;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  let formants = formantsAt(0);
  let amps: number[] = [];
  for (let s = 0; s < n; s++) {
    const t = s / RATE;
    const f0 = 145 + 25 * Math.sin(2 * Math.PI * 0.4 * t) + 10 * Math.sin(2 * Math.PI * 2.1 * t);
    phase += f0 / RATE;
    // The envelope changes slowly: recomputed every millisecond.
    if (s % 48 === 0) {
      formants = formantsAt(t);
      amps = [];
      for (let h = 1; h * f0 < 4000; h++) amps.push(envelope(h * f0, formants) / Math.sqrt(h));
    }
    let v = 0;
    for (let h = 1; h <= amps.length; h++) v += amps[h - 1]! * Math.sin(2 * Math.PI * h * phase);
    const loudness = 0.55 + 0.45 * Math.abs(Math.sin((Math.PI * t) / SYLLABLE_S));
    const sample = Math.max(-1, Math.min(1, 0.18 * loudness * v + 0.004 * noise()));
    pcm.writeInt16LE(Math.round(sample * 32_767), s * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  writeFileSync(file, Buffer.concat([header, pcm]));
}
