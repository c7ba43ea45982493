import { describe, expect, it } from 'vitest';
import { packStats, reusePacked } from './pack-cache.js';

describe('reusePacked', () => {
  const weights = Float32Array.from([1, 2, 3, 4]);
  let calls = 0;
  const pack = () => {
    calls++;
    return weights.map((w) => w * 10);
  };

  it('packs once per weights, params and folded content, counting both ways', () => {
    const before = packStats();
    const first = reusePacked({ weights, params: 'test a', folded: [Float32Array.from([1, 0.5])] }, pack);
    // Folded arrays are rebuilt per compile: equal content is a hit.
    const again = reusePacked({ weights, params: 'test a', folded: [Float32Array.from([1, 0.5])] }, pack);
    expect(again).toBe(first);
    expect([...again]).toEqual([10, 20, 30, 40]);
    expect(calls).toBe(1);
    expect(packStats()).toEqual({ packed: before.packed + 1, reused: before.reused + 1 });
  });

  it('packs anew when the folded values, their count, the params or the weights array differ', () => {
    const before = calls;
    const first = reusePacked({ weights, params: 'test b', folded: [Float32Array.from([1, 0.5])] }, pack);
    const others = [
      reusePacked({ weights, params: 'test b', folded: [Float32Array.from([1, 0.25])] }, pack),
      reusePacked({ weights, params: 'test b', folded: [Float32Array.from([1, 0.5]), Float32Array.from([0])] }, pack),
      reusePacked({ weights, params: 'test c', folded: [Float32Array.from([1, 0.5])] }, pack),
      reusePacked({ weights: weights.slice(), params: 'test b', folded: [Float32Array.from([1, 0.5])] }, pack),
    ];
    expect(calls - before).toBe(5);
    expect(new Set([first, ...others]).size).toBe(5);
    // Each variant is kept: asking for the first again is a hit.
    expect(reusePacked({ weights, params: 'test b', folded: [Float32Array.from([1, 0.5])] }, pack)).toBe(first);
  });

  it('keeps its own copy of the folded arrays, so a caller reusing its buffer cannot fake a hit', () => {
    const scale = Float32Array.from([2, 2]);
    const first = reusePacked({ weights, params: 'test d', folded: [scale] }, pack);
    scale[0] = 3;
    expect(reusePacked({ weights, params: 'test d', folded: [scale] }, pack)).not.toBe(first);
  });
});
