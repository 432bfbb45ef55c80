import { describe, expect, it } from 'vitest';
import { classifyMediaError, joinMode, PROBLEM_HELP, PROBLEM_TITLE } from './media-devices.ts';
import { levelFromSamples } from './level-meter.ts';

describe('classifyMediaError', () => {
  it('maps DOMException names', () => {
    expect(classifyMediaError({ name: 'NotAllowedError' })).toBe('denied');
    expect(classifyMediaError({ name: 'PermissionDeniedError' })).toBe('denied');
    expect(classifyMediaError({ name: 'NotFoundError' })).toBe('notfound');
    expect(classifyMediaError({ name: 'OverconstrainedError' })).toBe('notfound');
    expect(classifyMediaError({ name: 'NotReadableError' })).toBe('busy');
    expect(classifyMediaError(new Error('x'))).toBe('unknown');
    expect(classifyMediaError(null)).toBe('unknown');
  });
  it('has Chinese text for every problem', () => {
    for (const k of Object.keys(PROBLEM_TITLE) as (keyof typeof PROBLEM_TITLE)[]) {
      expect(PROBLEM_TITLE[k]).toMatch(/[\u4e00-\u9fff]/);
      expect(PROBLEM_HELP[k].length).toBeGreaterThan(0);
    }
  });
});

describe('joinMode', () => {
  it('follows the available tracks', () => {
    expect(joinMode(true, true)).toBe('av');
    expect(joinMode(true, false)).toBe('audio');
    expect(joinMode(false, true)).toBe('video');
    expect(joinMode(false, false)).toBe('chat');
  });
});

describe('levelFromSamples', () => {
  it('is 0 for silence and grows with amplitude, capped at 1', () => {
    expect(levelFromSamples(new Uint8Array(64).fill(128))).toBe(0);
    const quiet = levelFromSamples(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 136 : 120)));
    const loud = levelFromSamples(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 255 : 0)));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBe(1);
    expect(levelFromSamples([])).toBe(0);
  });
});
