// Figures of issue 6 (evaluation): exact SHAP for 3 features × 100 background rows × 1,000
// explained rows with GaussianNB (target ≤ 2 s), permutation importance (5 repeats) of kNN15 on
// the blobs3d_5k test rows (≤ 2 s), t-SNE of 3,000 points (≤ 10 s) and its neighbourhood quality.
// Modules are imported directly so the figures measure the code in the tree.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../src/data/csv.js';
import { median, report } from '../../../scripts/bench-stats.js';
import type { Dataset } from '../src/data/dataset.js';
import { takeRows } from '../src/data/matrix.js';
import { neighborAccuracy } from '../src/embed/neighbor-accuracy.js';
import { tsne } from '../src/embed/tsne.js';
import { KNeighborsClassifier } from '../src/estimators/knn.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { exactShap } from '../src/explain/exact-shap.js';
import { kernelShap } from '../src/explain/kernel-shap.js';
import { permutationImportance } from '../src/explain/permutation.js';
import { CalibratedClassifier } from '../src/calibration/calibrated-classifier.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function load(name: string): Dataset {
  const url = new URL(`../../../../shared/data/${name}.csv`, import.meta.url);
  return parseCsv(readFileSync(url, 'utf8'), { label: 'cluster', source: name });
}

/** Wall-clock milliseconds of `reps` runs after `warmup` unmeasured ones. */
function timeMs<T>(fn: () => T, reps: number, warmup = 1): { times: number[]; last: T } {
  let last = fn();
  for (let i = 1; i < warmup; i++) last = fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc();
    const t0 = performance.now();
    last = fn();
    times.push(performance.now() - t0);
  }
  return { times, last };
}

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
const train = load('blobs3d_5k.train');
const test = load('blobs3d_5k.test');
const nb = new GaussianNB().fit(train.X, train.y);
const background = takeRows(train.X, range(100));

{
  const { times } = timeMs(() => exactShap(nb, test.X, { background }), 5);
  report('shap_exact_gaussian_nb', median(times), 'ms', {
    features: 3,
    background: 100,
    rows: test.X.rows,
    reps: times.length,
    target_ms: 2000,
  });
}
{
  const { times } = timeMs(
    () =>
      kernelShap(nb, takeRows(test.X, range(200)), { background: takeRows(train.X, range(50)) }),
    3,
  );
  report('shap_kernel_gaussian_nb', median(times), 'ms', {
    features: 3,
    background: 50,
    rows: 200,
    reps: times.length,
  });
}
{
  const knn = new KNeighborsClassifier({ nNeighbors: 15 }).fit(train.X, train.y);
  const { times } = timeMs(
    () => permutationImportance(knn, test.X, test.y, { nRepeats: 5, seed: 0 }),
    5,
  );
  report('permutation_importance_knn15', median(times), 'ms', {
    rows: test.X.rows,
    features: 3,
    repeats: 5,
    reps: times.length,
    target_ms: 2000,
  });
}
{
  const { times } = timeMs(
    () =>
      new CalibratedClassifier({ estimator: new GaussianNB(), method: 'isotonic', cv: 5 }).fit(
        train.X,
        train.y,
      ),
    5,
  );
  report('calibrated_nb_isotonic_fit', median(times), 'ms', {
    rows: train.X.rows,
    folds: 5,
    reps: times.length,
  });
}
{
  const X3 = takeRows(train.X, range(3000));
  const y3 = train.y.slice(0, 3000);
  const { times, last } = timeMs(() => tsne(X3, { seed: 0 }), 3, 0);
  report('tsne_3000', median(times), 'ms', {
    points: 3000,
    iterations: 1000,
    reps: times.length,
    target_ms: 10000,
    kl: Number(last.klDivergence.toFixed(4)),
    knn5_acc_3d: neighborAccuracy(X3, y3),
    knn5_acc_2d: neighborAccuracy(last.embedding, y3),
  });
}
{
  const { embedding } = tsne(test.X, { seed: 0 });
  const acc3 = neighborAccuracy(test.X, test.y);
  const acc2 = neighborAccuracy(embedding, test.y);
  report('tsne_blobs3d_test_knn5_gap', Math.abs(acc3 - acc2) * 100, 'points', {
    knn5_acc_3d: acc3,
    knn5_acc_2d: acc2,
    target_points: 2,
  });
}
