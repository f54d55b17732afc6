import { describe, expect, it } from 'vitest';
import { median, quantile, seededRandom } from '../scripts/bench-stats.js';

describe('bench-stats', () => {
  it('median takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('quantile takes the nearest rank of the sorted values, without changing them', () => {
    const times = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
    expect(quantile(times, 0.95)).toBe(96);
    expect(quantile(times, 0.5)).toBe(51);
    expect(quantile(times, 0)).toBe(1);
    expect(quantile(times, 1)).toBe(100);
    expect(times[0]).toBe(100);
    expect(quantile(Float64Array.of(5, 10, 1), 0.9)).toBe(10);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('quantile refuses no values and a q outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(/no values/);
    expect(() => quantile([1], 1.5)).toThrow(/q must be from 0 to 1, got 1.5/);
    expect(() => quantile([1], Number.NaN)).toThrow(/got NaN/);
  });

  it('seededRandom repeats its sequence for a seed (mulberry32) and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    const a = draw(42);
    expect(a.slice(0, 3)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(draw(42)).toEqual(a);
    expect(draw(43)).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(a.reduce((s, x) => s + x, 0) / a.length - 0.5)).toBeLessThan(0.05);
  });
});
