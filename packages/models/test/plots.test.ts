import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { calibrationCurve } from '../src/calibration/curve.js';
import { ConformalClassifier } from '../src/conformal/conformal-classifier.js';
import { takeRows } from '../src/data/matrix.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { exactShap } from '../src/explain/exact-shap.js';
import { permutationImportance } from '../src/explain/permutation.js';
import { sampleBackground, shapImportance } from '../src/explain/shapley.js';
import { confusionMatrix } from '../src/metrics/classification.js';
import { confusionMatrixPlot } from '../src/plots/confusion.js';
import { cvScoreChart } from '../src/plots/cv-scores.js';
import { importanceBarChart } from '../src/plots/importance.js';
import { reliabilityDiagram } from '../src/plots/reliability.js';
import { scatterPlot } from '../src/plots/scatter.js';
import { setSizeHistogram } from '../src/plots/set-size.js';
import { shapSummaryPlot } from '../src/plots/shap-summary.js';
import { escapeXml, niceTicks } from '../src/plots/svg.js';
import { loadBlobs } from './evaluation-fixtures.js';

const train2 = loadBlobs('blobs2d_5k.train');
const test2 = loadBlobs('blobs2d_5k.test');
const nb2 = new GaussianNB().fit(train2.X, train2.y);
const first = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** Renders an SVG string to PNG at its own size; returns the decoded pixels' stats. */
function render(svg: string): {
  width: number;
  height: number;
  inkFraction: number;
  colors: number;
} {
  const img = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
  const png = img.asPng();
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const px = img.pixels; // RGBA
  let ink = 0;
  const colors = new Set<number>();
  for (let i = 0; i < px.length; i += 4) {
    if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) ink++;
    colors.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  }
  return {
    width: img.width,
    height: img.height,
    inkFraction: ink / (px.length / 4),
    colors: colors.size,
  };
}

/** Every chart: 600 px wide, something drawn, several colours, and the texts a reader needs. */
function expectReadableChart(svg: string, texts: string[]): void {
  const r = render(svg);
  expect(r.width).toBe(600);
  expect(r.inkFraction).toBeGreaterThan(0.02);
  expect(r.inkFraction).toBeLessThan(0.9);
  expect(r.colors).toBeGreaterThan(5);
  for (const t of texts) expect(svg).toContain(`>${escapeXml(t)}<`);
  expect(svg).toMatch(/class="legend"|class="color-bar"/);
}

describe('SVG charts render to PNG', () => {
  it('scatter by class with decision regions', () => {
    const svg = scatterPlot({
      points: takeRows(test2.X, first(400)),
      labels: test2.y.subarray(0, 400),
      classNames: ['A', 'B', 'C', 'D', 'E'],
      regions: { predict: (X) => nb2.predict(X), resolution: 60 },
      title: 'GaussianNB decision regions',
      xLabel: 'x',
      yLabel: 'y',
    });
    expectReadableChart(svg, ['GaussianNB decision regions', 'x', 'y', 'A', 'E', 'class (region)']);
    expect(svg).toContain('class="regions"');
  });

  it('scatter of an embedding without regions', () => {
    const svg = scatterPlot({
      points: takeRows(test2.X, first(300)),
      labels: test2.y.subarray(0, 300),
      title: 't-SNE',
    });
    expectReadableChart(svg, ['t-SNE', 'class 0', 'class']);
  });

  it('confusion-matrix heatmap, counts and normalised', () => {
    const cm = confusionMatrix(test2.y, nb2.predict(test2.X));
    const svg = confusionMatrixPlot({
      matrix: cm,
      title: 'Confusion matrix',
      classNames: ['A', 'B', 'C', 'D', 'E'],
    });
    expectReadableChart(svg, ['Confusion matrix', 'Predicted label', 'True label', 'count', 'A']);
    expect(svg).toContain(`>${cm.data[0]}<`);
    const norm = confusionMatrixPlot({ matrix: cm, normalize: true });
    expectReadableChart(norm, ['share of row']);
  });

  it('reliability diagram with several models', () => {
    const proba = nb2.predictProba(test2.X);
    const isA = Array.from(test2.y, (v) => (v === 0 ? 1 : 0));
    const pA = Array.from({ length: proba.rows }, (_, i) => proba.data[i * proba.cols]);
    const sharpened = pA.map((p) => p ** 2);
    const svg = reliabilityDiagram({
      curves: [
        { name: 'GaussianNB', ...calibrationCurve(isA, pA, { nBins: 10 }) },
        { name: 'sharpened', ...calibrationCurve(isA, sharpened, { nBins: 10 }) },
      ],
      title: 'Reliability, class A',
    });
    expectReadableChart(svg, [
      'Reliability, class A',
      'perfectly calibrated',
      'GaussianNB',
      'sharpened',
      'Mean predicted probability',
      'Fraction of positives',
    ]);
  });

  it('feature-importance bars: permutation with spread and mean |SHAP|', () => {
    const imp = permutationImportance(nb2, test2.X, test2.y, { nRepeats: 3 });
    const shap = exactShap(nb2, takeRows(test2.X, first(50)), {
      background: sampleBackground(train2.X, 30),
    });
    const svg = importanceBarChart({
      featureNames: ['x', 'y'],
      series: [
        { name: 'permutation', values: imp.importancesMean, errors: imp.importancesStd },
        { name: 'mean |SHAP|', values: shapImportance(shap).overall },
      ],
      title: 'Feature importance',
    });
    expectReadableChart(svg, [
      'Feature importance',
      'permutation',
      'mean |SHAP|',
      '± std',
      'importance',
    ]);
  });

  it('SHAP summary per feature', () => {
    const rows = takeRows(test2.X, first(150));
    const shap = exactShap(nb2, rows, { background: sampleBackground(train2.X, 30) });
    const svg = shapSummaryPlot({
      explanation: shap,
      X: rows,
      featureNames: ['x', 'y'],
      title: 'SHAP summary',
    });
    expectReadableChart(svg, [
      'SHAP summary',
      'feature value',
      'low',
      'high',
      'SHAP value (impact on the predicted class probability)',
    ]);
    const one = shapSummaryPlot({
      explanation: shap,
      X: rows,
      featureNames: ['x', 'y'],
      classIndex: 1,
      classNames: ['A', 'B'],
    });
    expect(one).toContain('P(B)');
    expect(() => shapSummaryPlot({ explanation: shap, X: rows, featureNames: ['x'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });

  it('cross-validation score chart', () => {
    const svg = cvScoreChart({
      models: [
        { name: 'GaussianNB', scores: [0.93, 0.94, 0.95, 0.92, 0.94] },
        { name: 'kNN (k=15)', scores: [0.92, 0.93, 0.95, 0.93, 0.92] },
        { name: 'voting', scores: [0.94, 0.94, 0.95, 0.93, 0.95] },
      ],
      yLabel: 'accuracy',
      title: '5-fold CV',
    });
    expectReadableChart(svg, [
      '5-fold CV',
      'accuracy',
      'model',
      'GaussianNB',
      'kNN (k=15)',
      'fold score',
      'mean ± std',
    ]);
  });

  it('conformal set-size histogram for several methods', () => {
    const cal = takeRows(test2.X, first(500));
    const series = (['lac', 'aps'] as const).map((method) => {
      const cp = new ConformalClassifier({ estimator: nb2, cv: 'prefit', method, alpha: 0.05 }).fit(
        cal,
        test2.y.slice(0, 500),
      );
      return { name: method.toUpperCase(), sizes: cp.predictSets(test2.X).map((s) => s.length) };
    });
    const svg = setSizeHistogram({ series, maxSize: 5, title: 'Prediction set sizes' });
    expectReadableChart(svg, [
      'Prediction set sizes',
      'LAC',
      'APS',
      'share of rows',
      'prediction set size (labels)',
    ]);
    expect(() => setSizeHistogram({ series, maxSize: 0 })).toThrow(/largest set size/);
    // The sets of a 200,000-row test split (a 1 M-row CSV): more than a spread argument list holds.
    const many = Int32Array.from({ length: 500_000 }, (_, i) => 1 + (i % 3));
    expect(setSizeHistogram({ series: [{ name: 'LAC', sizes: many }] })).toContain('LAC');
  });

  it('escapes text and picks round ticks', () => {
    expect(escapeXml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3.2, 7.9, 5)).toEqual([-2.5, 0, 2.5, 5, 7.5]);
    const svg = scatterPlot({
      points: takeRows(test2.X, first(5)),
      labels: test2.y.subarray(0, 5),
      title: '<script>',
    });
    expect(svg).not.toContain('<script>');
    expect(() => render(svg)).not.toThrow();
    expect(() => scatterPlot({ points: train2.X, labels: test2.y })).toThrow(
      expect.objectContaining({ parameter: 'labels' }),
    );
    expect(() =>
      scatterPlot({
        points: takeRows(test2.X, first(5)),
        labels: test2.y.subarray(0, 5),
        width: 50,
      }),
    ).toThrow(expect.objectContaining({ parameter: 'width' }));
  });
});
