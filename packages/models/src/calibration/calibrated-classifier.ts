import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix, takeRows } from '../data/matrix.js';
import { EstimatorInputError } from '../errors.js';
import { BaseClassifier, checkJSONType, toInt32 } from '../estimators/base.js';
import type { Classifier, EstimatorJSON } from '../estimators/classifier.js';
import { classifierFromJSON, registerEstimator } from '../estimators/estimator-registry.js';
import { classifierParam, declareParams } from '../estimators/param-spec.js';
import { StratifiedKFold } from '../selection/stratified-kfold.js';
import type { Calibrator } from './calibrator.js';
import { calibratorFromJSON, fitCalibrator } from './calibrator.js';

/** Hyper-parameters of {@link CalibratedClassifier}. */
export interface CalibratedClassifierParams {
  /** The classifier whose probabilities are calibrated (fitted already when `cv` is `'prefit'`). */
  estimator: Classifier;
  /** `'sigmoid'` (Platt scaling, default) or `'isotonic'` (non-parametric, needs more data). */
  method: 'sigmoid' | 'isotonic';
  /**
   * Number of stratified folds (default 5), or `'prefit'` to calibrate an already fitted `estimator`
   * on the data given to `fit`.
   */
  cv: number | 'prefit';
  /**
   * With folds: `true` (default) keeps one (classifier, calibrators) pair per fold and averages
   * their probabilities; `false` calibrates on out-of-fold predictions and refits one classifier
   * on all the data.
   */
  ensemble: boolean;
}

/** One fitted classifier with one calibrator per class it knows. */
export interface CalibratedPair {
  /** The fitted classifier. */
  estimator: Classifier;
  /** Column of the calibrated output that each of `estimator`'s classes feeds. */
  columns: Int32Array;
  /** One calibrator per calibrated class (only the second class when there are two). */
  calibrators: Calibrator[];
}

/** The fitted state of a {@link CalibratedClassifier}. */
export interface CalibratedModel {
  /** One pair per fold with `ensemble`, else one. */
  pairs: CalibratedPair[];
  /** Number of classes seen by `fit`. */
  nClasses: number;
}

/** The declared hyper-parameters of {@link CalibratedClassifier}. */
export const CALIBRATED_CLASSIFIER_PARAMS = declareParams<CalibratedClassifierParams>(
  'CalibratedClassifier',
  {
    estimator: classifierParam('The classifier calibrated.', ['fit', 'predictProba']),
    method: {
      kind: 'choice',
      values: ['sigmoid', 'isotonic'],
      default: 'sigmoid',
      doc: 'Platt scaling or isotonic regression.',
    },
    cv: {
      kind: 'number',
      integer: true,
      min: 2,
      named: ['prefit'],
      default: 5,
      doc: "Stratified folds, or 'prefit'.",
    },
    ensemble: { kind: 'boolean', default: true, doc: 'Keep one calibrated pair per fold.' },
  },
);

/**
 * Calibrated class probabilities, with scikit-learn's `CalibratedClassifierCV` semantics: the
 * classifier is fitted on stratified training folds, and on each held-out fold one calibrator per
 * class (one-vs-rest) maps the classifier's probability of that class to a calibrated one; the
 * calibrated columns are then normalised to sum to 1 (a row that is all zeros becomes uniform).
 * Two classes need a single calibrator, for the second class. Calibrators are Platt sigmoids
 * (with Platt's smoothed targets) or isotonic regressions (pool-adjacent-violators, clipped).
 *
 * @example
 * ```ts
 * const calibrated = new CalibratedClassifier({ estimator: new GaussianNB(), method: 'isotonic' })
 *   .fit(train.X, train.y);
 * const proba = calibrated.predictProba(test.X);
 * ```
 */
export class CalibratedClassifier extends BaseClassifier<
  CalibratedClassifierParams,
  CalibratedModel
> {
  constructor(params: Partial<CalibratedClassifierParams> & { estimator: Classifier }) {
    super(CALIBRATED_CLASSIFIER_PARAMS, params);
  }

  /** Rebuilds a `CalibratedClassifier` (fitted or not) from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): CalibratedClassifier {
    checkJSONType(json, 'CalibratedClassifier');
    const params = json.params;
    const estimator = classifierFromJSON(params.estimator as EstimatorJSON);
    return new CalibratedClassifier({
      ...(params as Partial<CalibratedClassifierParams>),
      estimator,
    }).restore(json.state);
  }

  /** The fitted (classifier, calibrators) pairs: one per fold with `ensemble`, else one. */
  get calibratedClassifiers(): readonly {
    estimator: Classifier;
    calibrators: readonly Calibrator[];
  }[] {
    return this.model.pairs;
  }

  override toJSON(): EstimatorJSON {
    const json = super.toJSON();
    return { ...json, params: { ...json.params, estimator: this.params.estimator.toJSON() } };
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, nClasses: number): CalibratedModel {
    const { cv, ensemble, estimator } = this.params;
    if (cv === 'prefit') return { pairs: [this.calibratePrefit(X, y, nClasses)], nClasses };
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < y.length; i++) counts[y[i]]++;
    for (let c = 0; c < nClasses; c++) {
      if (counts[c] < cv) {
        throw new EstimatorInputError(
          this.typeName,
          `class ${this.fitLabels?.[c] ?? c} has ${counts[c]} samples, fewer than the ${cv} folds; lower cv or gather more samples of that class.`,
        );
      }
    }
    const splits = new StratifiedKFold({ nSplits: cv }).split(y);
    if (ensemble) {
      const pairs = splits.map(({ train, test }) => {
        const clf = estimator.withParams({}).fit(takeRows(X, train), takeSubset(y, train));
        const proba = clf.predictProba(takeRows(X, test));
        return this.calibrate(clf, proba, takeSubset(y, test), nClasses);
      });
      return { pairs, nClasses };
    }
    // Out-of-fold probabilities for every row, laid out in class-index columns.
    const oof = denseMatrix(X.rows, nClasses);
    for (const { train, test } of splits) {
      const clf = estimator.withParams({}).fit(takeRows(X, train), takeSubset(y, train));
      const proba = clf.predictProba(takeRows(X, test));
      const cls = clf.classes;
      for (let r = 0; r < test.length; r++) {
        for (let c = 0; c < cls.length; c++)
          oof.data[test[r] * nClasses + cls[c]] = proba.data[r * proba.cols + c];
      }
    }
    // Fitted on every row, the classifier knows every class index, in the columns of `oof`.
    const full = estimator.withParams({}).fit(X, y);
    return { pairs: [this.calibrateWith(full, full.classes, oof, y, nClasses)], nClasses };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const { pairs, nClasses } = this.model;
    const out = denseMatrix(X.rows, nClasses);
    for (const pair of pairs) {
      const p = calibratedProba(pair, X, nClasses);
      for (let i = 0; i < out.data.length; i++) out.data[i] += p.data[i];
    }
    if (pairs.length > 1) for (let i = 0; i < out.data.length; i++) out.data[i] /= pairs.length;
    return out;
  }

  protected override encodeModel(model: CalibratedModel): unknown {
    return {
      nClasses: model.nClasses,
      pairs: model.pairs.map((p) => ({
        estimator: p.estimator.toJSON(),
        columns: p.columns,
        calibrators: p.calibrators.map((c) => c.toJSON()),
      })),
    };
  }

  protected decodeModel(data: unknown): CalibratedModel {
    const d = data as {
      nClasses: unknown;
      pairs: { estimator: EstimatorJSON; columns: unknown; calibrators: unknown[] }[];
    };
    return {
      nClasses: Number(d.nClasses),
      pairs: d.pairs.map((p) => ({
        estimator: classifierFromJSON(p.estimator),
        columns: toInt32(p.columns),
        calibrators: p.calibrators.map(calibratorFromJSON),
      })),
    };
  }

  /** Calibrators for a fitted classifier from its probabilities on held-out rows with class indices `y`. */
  private calibrate(
    clf: Classifier,
    proba: DenseMatrix,
    y: Int32Array,
    nClasses: number,
  ): CalibratedPair {
    // The inner classifier was fitted on class indices, so its classes are output columns.
    return this.calibrateWith(clf, clf.classes, proba, y, nClasses);
  }

  /** Calibrates a classifier fitted beforehand, whose classes are the original labels. */
  private calibratePrefit(X: DenseMatrix, y: Int32Array, nClasses: number): CalibratedPair {
    const clf = this.params.estimator;
    const labels = this.fitLabels ?? new Int32Array(0);
    const cls = clf.classes;
    if (cls.length === 0) {
      throw new EstimatorInputError(
        this.typeName,
        "cv is 'prefit' but the estimator is not fitted; fit it first.",
      );
    }
    const columns = new Int32Array(cls.length);
    for (let c = 0; c < cls.length; c++) {
      const at = labels.indexOf(cls[c]);
      if (at < 0) {
        throw new EstimatorInputError(
          this.typeName,
          `the prefit estimator knows class ${cls[c]}, which is absent from the calibration labels; calibrate on data with every class.`,
        );
      }
      columns[c] = at;
    }
    if (cls.length !== nClasses) {
      throw new EstimatorInputError(
        this.typeName,
        `the calibration labels have ${nClasses} classes but the prefit estimator knows ${cls.length}.`,
      );
    }
    return this.calibrateWith(clf, columns, clf.predictProba(X), y, nClasses);
  }

  private calibrateWith(
    clf: Classifier,
    columns: Int32Array,
    proba: DenseMatrix,
    y: Int32Array,
    nClasses: number,
  ): CalibratedPair {
    const calibrators = fitClassCalibrators(this.params.method, columns, proba, y, nClasses);
    return { estimator: clf, columns: Int32Array.from(columns), calibrators };
  }
}

/**
 * One calibrator per probability column (binary problems: only the second class's, as
 * scikit-learn), fitted on a classifier's probabilities `proba` of rows whose class indices are
 * `y`; `columns[c]` is the class index of column `c`. The fitting half of
 * {@link CalibratedClassifier}, for callers that already hold the probabilities.
 */
export function fitClassCalibrators(
  method: 'sigmoid' | 'isotonic',
  columns: Int32Array,
  proba: DenseMatrix,
  y: Int32Array,
  nClasses: number,
): Calibrator[] {
  const n = proba.rows;
  const f = new Float64Array(n);
  const target = new Float64Array(n);
  const calibrators: Calibrator[] = [];
  const first = nClasses === 2 ? 1 : 0;
  for (let c = first; c < columns.length; c++) {
    for (let i = 0; i < n; i++) {
      f[i] = proba.data[i * proba.cols + c];
      target[i] = y[i] === columns[c] ? 1 : 0;
    }
    calibrators.push(fitCalibrator(method, f, target));
  }
  return calibrators;
}

/** One pair's calibrated, normalised probabilities in class-index columns. */
function calibratedProba(pair: CalibratedPair, X: DenseMatrix, nClasses: number): DenseMatrix {
  return applyClassCalibrators(
    pair.calibrators,
    pair.columns,
    pair.estimator.predictProba(X),
    nClasses,
  );
}

/**
 * Calibrated probabilities, normalised, in class-index columns, from a classifier's probabilities
 * `proba` and the calibrators {@link fitClassCalibrators} fitted on its columns. The predicting
 * half of {@link CalibratedClassifier}.
 */
export function applyClassCalibrators(
  calibrators: readonly Calibrator[],
  columns: Int32Array,
  proba: DenseMatrix,
  nClasses: number,
): DenseMatrix {
  const n = proba.rows;
  const out = denseMatrix(n, nClasses);
  const f = new Float64Array(n);
  const first = nClasses === 2 ? 1 : 0;
  calibrators.forEach((cal, k) => {
    const c = k + first;
    for (let i = 0; i < n; i++) f[i] = proba.data[i * proba.cols + c];
    const p = cal.predict(f);
    const col = columns[c];
    for (let i = 0; i < n; i++) out.data[i * nClasses + col] = p[i];
  });
  const d = out.data;
  for (let i = 0; i < n; i++) {
    const o = i * nClasses;
    if (nClasses === 2) {
      d[o] = 1 - d[o + 1];
    } else {
      let s = 0;
      for (let c = 0; c < nClasses; c++) s += d[o + c];
      for (let c = 0; c < nClasses; c++) d[o + c] = s !== 0 ? d[o + c] / s : 1 / nClasses;
    }
    // Rounding can push a probability a hair above 1: clamp as scikit-learn does.
    for (let c = 0; c < nClasses; c++) if (d[o + c] > 1 && d[o + c] <= 1 + 1e-5) d[o + c] = 1;
  }
  return out;
}

function takeSubset(y: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}

registerEstimator('CalibratedClassifier', CalibratedClassifier, (json) =>
  CalibratedClassifier.fromJSON(json),
);
