import { describe, expect, it } from 'vitest';
import { reliabilityDiagram } from '../src/index.js';

describe('chart legends', () => {
  it('leave room for long model names inside the chart width', () => {
    const curve = { probPred: [0.2, 0.5, 0.9], probTrue: [0.25, 0.5, 0.85] };
    const svg = reliabilityDiagram({
      curves: [
        { name: 'voting(knn+svc+logistic) (knn: isotonic, svc: none)', ...curve },
        { name: 'gaussian_nb (uncalibrated)', ...curve },
      ],
    });
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
    const frame = /<g class="legend"><rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg)!;
    expect(Number(frame[1]) + Number(frame[2])).toBeLessThanOrEqual(width);
    // The plot keeps most of the width; the long name is cut, with the full name as its tooltip.
    expect(Number(frame[1])).toBeGreaterThan(width / 2);
    expect(svg).toContain(
      '<title>voting(knn+svc+logistic) (knn: isotonic, svc: none)</title>voting(knn+svc+logistic) (k…',
    );
  });
});
