import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyChange, mapIndex, minimalChange, rebaseChange, type TextDelta } from './text-binding.ts';

describe('minimalChange', () => {
  it('finds the changed middle', () => {
    expect(minimalChange('甲方支付乙方', '甲方于三日内支付乙方')).toEqual({ index: 2, remove: 0, insert: '于三日内' });
    expect(minimalChange('abc', 'abc')).toBeNull();
    expect(minimalChange('赔偿五万元', '赔偿三万元')).toEqual({ index: 2, remove: 1, insert: '三' });
  });
  it('uses the caret to place an ambiguous insertion', () => {
    expect(minimalChange('啊啊', '啊啊啊', 3)).toEqual({ index: 2, remove: 0, insert: '啊' });
    expect(minimalChange('啊啊', '啊啊啊', 1)).toEqual({ index: 0, remove: 0, insert: '啊' });
  });
  it('does not split surrogate pairs', () => {
    const c = minimalChange('a😀b', 'a😁b')!;
    expect(c.index).toBe(1);
    expect(applyChange('a😀b', c)).toBe('a😁b');
  });
});

describe('mapIndex', () => {
  it('shifts over remote inserts and deletes before the caret', () => {
    const d: TextDelta = [{ retain: 1 }, { insert: '新' }, { retain: 2 }, { delete: 2 }];
    expect(mapIndex(0, d)).toBe(0);
    expect(mapIndex(1, d)).toBe(1);
    expect(mapIndex(1, d, 1)).toBe(2);
    expect(mapIndex(3, d)).toBe(4);
    expect(mapIndex(4, d)).toBe(4);
    expect(mapIndex(6, d)).toBe(5);
  });
});

describe('composition over remote edits', () => {
  it('a change made during an IME composition is rebased over remote deltas and both survive', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, '甲方应支付乙方。');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const shadow = a.getText('t').toString();
    // A composes "五万元" after 支付乙方 (index 7) while B inserts "于三日内" at index 3.
    const deltas: TextDelta[] = [];
    a.getText('t').observe((e) => deltas.push(e.delta as TextDelta));
    b.getText('t').insert(3, '于三日内');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    const local = minimalChange(shadow, '甲方应支付乙方五万元。', 10)!;
    const r = rebaseChange(local, deltas);
    a.getText('t').insert(r.index, r.insert);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe('甲方应于三日内支付乙方五万元。');
    expect(b.getText('t').toString()).toBe(a.getText('t').toString());
  });
});
