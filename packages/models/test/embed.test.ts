import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../src/data/matrix.js';
import { Random } from '../src/data/random.js';
import { neighborAccuracy } from '../src/embed/neighbor-accuracy.js';
import { tsne } from '../src/embed/tsne.js';
import { loadBlobs } from './evaluation-fixtures.js';

describe('tsne', () => {
  it("keeps blobs3d_5k test rows' 5-NN class accuracy within 2 points of 3D", () => {
    const test = loadBlobs('blobs3d_5k.test');
    const { embedding, klDivergence } = tsne(test.X, { seed: 0 });
    expect(embedding.rows).toBe(1000);
    expect(embedding.cols).toBe(2);
    expect(embedding.data.every(Number.isFinite)).toBe(true);
    const acc3 = neighborAccuracy(test.X, test.y);
    const acc2 = neighborAccuracy(embedding, test.y);
    expect(Math.abs(acc2 - acc3)).toBeLessThanOrEqual(0.02);
    expect(klDivergence).toBeGreaterThan(0);
    expect(klDivergence).toBeLessThan(2);
  });

  it('separates well-separated clusters and reproduces exactly with the same options', () => {
    const rng = new Random(3);
    const n = 240;
    const X = denseMatrix(n, 5);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < 5; j++) X.data[i * 5 + j] = (j === y[i] ? 20 : 0) + rng.normal();
    }
    const a = tsne(X, { perplexity: 20, nIter: 400, init: 'random', seed: 9 });
    const b = tsne(X, { perplexity: 20, nIter: 400, init: 'random', seed: 9 });
    expect(Array.from(a.embedding.data)).toEqual(Array.from(b.embedding.data));
    expect(neighborAccuracy(a.embedding, y)).toBe(1);
    const c = tsne(X, { perplexity: 20, nIter: 400, init: 'random', seed: 10 });
    expect(Array.from(c.embedding.data)).not.toEqual(Array.from(a.embedding.data));
  });

  it('copes with duplicate rows', () => {
    const X = denseMatrix(60, 2);
    for (let i = 30; i < 60; i++) X.data[i * 2] = 5; // two groups of 30 identical points
    const { embedding } = tsne(X, { perplexity: 5, nIter: 300 });
    expect(embedding.data.every(Number.isFinite)).toBe(true);
    expect(
      neighborAccuracy(
        embedding,
        Int32Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : 1)),
      ),
    ).toBe(1);
  });

  it('refuses too few rows for the perplexity, too many rows and bad options', () => {
    const X = denseMatrix(
      20,
      3,
      Float64Array.from({ length: 60 }, (_, i) => Math.sin(i)),
    );
    expect(() => tsne(X)).toThrow(
      expect.objectContaining({
        code: 'ESTIMATOR_INPUT',
        message: expect.stringMatching(/perplexity 30/),
      }),
    );
    expect(() => tsne(X, { perplexity: 5, maxRows: 10 })).toThrow(/exceed maxRows/);
    expect(() => tsne(X, { perplexity: 5, theta: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', parameter: 'theta' }),
    );
    expect(() => tsne(X, { perplexity: 5, init: 'spectral' as never })).toThrow(
      expect.objectContaining({ parameter: 'init' }),
    );
    expect(() => tsne(X, { perplexity: 5, learningRate: 0 })).toThrow(
      expect.objectContaining({ parameter: 'learningRate' }),
    );
  });
});
