import type { DenseMatrix } from '../data/matrix.js';
import { takeRows } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { EstimatorInputError, InvalidParameterError } from '../errors.js';
import { BaseClassifier, checkJSONType, toFloat64 } from '../estimators/base.js';
import type { Classifier, EstimatorJSON } from '../estimators/classifier.js';
import { classifierFromJSON, registerEstimator } from '../estimators/estimator-registry.js';
import { checkPredictInput } from '../estimators/input-checks.js';
import { classifierParam, declareParams } from '../estimators/param-spec.js';
import type { ConformalMethod } from './scores.js';
import {
  CONFORMAL_METHODS,
  checkAlpha,
  conformalQuantile,
  conformalScores,
  predictionSets,
} from './scores.js';

/** Hyper-parameters of {@link ConformalClassifier}. */
export interface ConformalClassifierParams {
  /** The underlying classifier (fitted already when `cv` is `'prefit'`). */
  estimator: Classifier;
  /** The conformal score (see {@link ConformalMethod}). Default `'lac'`. */
  method: ConformalMethod;
  /** Target miscoverage: sets contain the true label with probability ≥ 1 − alpha. Default 0.1. */
  alpha: number;
  /**
   * `'split'` (default): `fit` holds out a stratified `calibrationSize` share of the rows for
   * calibration and fits a copy of `estimator` on the rest; `'prefit'`: `estimator` is fitted
   * already and all rows given to `fit` calibrate it.
   */
  cv: 'split' | 'prefit';
  /** Share of the rows held out for calibration with `cv: 'split'`. Default 0.25. */
  calibrationSize: number;
  /** Seed of the calibration split. Default 0. */
  seed: number;
  /** RAPS: ranks up to `kReg` are not penalised. Default 1. */
  kReg: number;
  /** RAPS: penalty per rank beyond `kReg`. Default 0.01. */
  lambda: number;
}

/** The fitted state of a {@link ConformalClassifier}. */
export interface ConformalModel {
  /** The fitted underlying classifier. */
  estimator: Classifier;
  /** For each of the estimator's probability columns, the class index (position in `classes`) it is. */
  columns: Int32Array;
  /** Calibration scores, sorted ascending. */
  scores: Float64Array;
}

/** The declared hyper-parameters of {@link ConformalClassifier}. */
export const CONFORMAL_CLASSIFIER_PARAMS = declareParams<ConformalClassifierParams>(
  'ConformalClassifier',
  {
    estimator: classifierParam('The underlying classifier.', ['fit', 'predictProba']),
    method: { kind: 'choice', values: CONFORMAL_METHODS, default: 'lac', doc: 'The score.' },
    alpha: {
      kind: 'other',
      accepts: 'a number in (0, 1)',
      default: 0.1,
      doc: 'Target miscoverage.',
      check: (estimator, _name, alpha) => checkAlpha(estimator, alpha),
    },
    cv: { kind: 'choice', values: ['split', 'prefit'], default: 'split', doc: 'Split or prefit.' },
    calibrationSize: {
      kind: 'number',
      min: 0,
      exclusiveMin: true,
      max: 1,
      default: 0.25,
      doc: 'Share of the rows held out for calibration.',
      check: (estimator, name, size) => {
        if (size >= 1) {
          throw new InvalidParameterError(
            estimator,
            name,
            'must be below 1: some rows must remain to fit the estimator.',
          );
        }
      },
    },
    seed: { kind: 'number', default: 0, doc: 'Seed of the calibration split.' },
    kReg: { kind: 'number', integer: true, min: 0, default: 1, doc: 'RAPS: unpenalised ranks.' },
    lambda: { kind: 'number', min: 0, default: 0.01, doc: 'RAPS: penalty per rank.' },
  },
);

/**
 * Split-conformal prediction sets around any probabilistic classifier: on a calibration split the
 * score of each true label is computed (LAC, APS, RAPS or top-k), and the ⌈(n+1)(1−α)⌉/n quantile
 * of those scores becomes the threshold; `predictSets` then returns, for each row, every label
 * whose score is within it. On exchangeable data the sets cover the true label with probability at
 * least 1 − α. `predict` and `predictProba` are the underlying classifier's.
 *
 * @example
 * ```ts
 * const cp = new ConformalClassifier({ estimator: fittedModel, cv: 'prefit', method: 'aps', alpha: 0.1 })
 *   .fit(calibration.X, calibration.y);
 * const sets = cp.predictSets(test.X);
 * coverage(sets, test.y); // ≈ 0.9 or more
 * ```
 */
export class ConformalClassifier extends BaseClassifier<ConformalClassifierParams, ConformalModel> {
  constructor(params: Partial<ConformalClassifierParams> & { estimator: Classifier }) {
    super(CONFORMAL_CLASSIFIER_PARAMS, params);
  }

  /** Rebuilds a `ConformalClassifier` (fitted or not) from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): ConformalClassifier {
    checkJSONType(json, 'ConformalClassifier');
    const params = json.params;
    const estimator = classifierFromJSON(params.estimator as EstimatorJSON);
    return new ConformalClassifier({
      ...(params as Partial<ConformalClassifierParams>),
      estimator,
    }).restore(json.state);
  }

  /** The fitted underlying classifier. */
  get estimator(): Classifier {
    return this.model.estimator;
  }

  /** The calibration scores, sorted ascending. */
  get calibrationScores(): Float64Array {
    return this.model.scores;
  }

  /** The score threshold for miscoverage `alpha` (default: the `alpha` parameter). */
  qhat(alpha: number = this.params.alpha): number {
    checkAlpha(this.typeName, alpha);
    return conformalQuantile(this.model.scores, alpha);
  }

  /**
   * One prediction set per row of `X`: the class labels (ascending) whose score is within the
   * threshold for `alpha` (default: the `alpha` parameter). A set may be empty when even the most
   * probable label scores above the threshold (LAC with a small alpha never does that in practice).
   */
  predictSets(X: DenseMatrix, alpha: number = this.params.alpha): Int32Array[] {
    checkPredictInput(this.typeName, X, this.nFeatures);
    const qhat = this.qhat(alpha);
    const { estimator, columns } = this.model;
    const sets = predictionSets(estimator.predictProba(X), qhat, this.params.method, this.params);
    const classes = this.classes;
    return sets.map((s) => Int32Array.from(s, (c) => classes[columns[c]]).sort());
  }

  override toJSON(): EstimatorJSON {
    const json = super.toJSON();
    return { ...json, params: { ...json.params, estimator: this.params.estimator.toJSON() } };
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, nClasses: number): ConformalModel {
    let estimator: Classifier;
    let columns: Int32Array;
    let calX = X;
    let calY = y;
    if (this.params.cv === 'prefit') {
      estimator = this.params.estimator;
      const labels = this.fitLabels ?? new Int32Array(0);
      if (estimator.classes.length === 0) {
        throw new EstimatorInputError(
          this.typeName,
          "cv is 'prefit' but the estimator is not fitted; fit it first.",
        );
      }
      const known = estimator.classes;
      const same = known.length === labels.length && known.every((label, i) => label === labels[i]);
      if (!same) {
        throw new EstimatorInputError(
          this.typeName,
          `the calibration labels (${Array.from(labels).join(', ')}) differ from the prefit estimator's classes (${Array.from(known).join(', ')}); calibrate on rows of every class it knows.`,
        );
      }
      columns = Int32Array.from(known, (_, c) => c);
    } else {
      const { fitRows, calRows } = stratifiedSplit(
        y,
        nClasses,
        this.params.calibrationSize,
        this.params.seed,
      );
      if (calRows.length === 0 || fitRows.length === 0) {
        throw new EstimatorInputError(
          this.typeName,
          `cannot split ${X.rows} rows into fitting and calibration parts; pass more rows.`,
        );
      }
      estimator = this.params.estimator
        .withParams({})
        .fit(takeRows(X, fitRows), takeLabels(y, fitRows));
      columns = Int32Array.from(estimator.classes);
      calX = takeRows(X, calRows);
      calY = takeLabels(y, calRows);
    }
    // Scores need the column of each row's label in the estimator's probabilities.
    const columnOf = new Int32Array(nClasses).fill(-1);
    columns.forEach((col, c) => {
      if (col >= 0) columnOf[col] = c;
    });
    const yCol = Int32Array.from(calY, (c) => columnOf[c]);
    if (yCol.some((c) => c < 0)) {
      throw new EstimatorInputError(
        this.typeName,
        'a calibration label is unknown to the fitted estimator; use more rows per class.',
      );
    }
    const scores = conformalScores(
      estimator.predictProba(calX),
      yCol,
      this.params.method,
      this.params,
    ).sort();
    return { estimator, columns, scores };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const { estimator, columns } = this.model;
    const p = estimator.predictProba(X);
    const k = this.fittedClassCount();
    if (columns.every((c, i) => c === i) && p.cols === k) return p;
    const out = { data: new Float64Array(X.rows * k), rows: X.rows, cols: k };
    for (let i = 0; i < X.rows; i++)
      for (let c = 0; c < columns.length; c++)
        out.data[i * k + columns[c]] = p.data[i * p.cols + c];
    return out;
  }

  protected override encodeModel(model: ConformalModel): unknown {
    return { estimator: model.estimator.toJSON(), columns: model.columns, scores: model.scores };
  }

  protected decodeModel(data: unknown): ConformalModel {
    const d = data as { estimator: EstimatorJSON; columns: unknown; scores: unknown };
    return {
      estimator: classifierFromJSON(d.estimator),
      columns: Int32Array.from(toFloat64(d.columns)),
      scores: toFloat64(d.scores),
    };
  }

  private fittedClassCount(): number {
    return this.classes.length;
  }
}

/** A stratified split: about `share` of each class's rows (at least one when it has two) go to calibration. */
function stratifiedSplit(
  y: Int32Array,
  nClasses: number,
  share: number,
  seed: number,
): { fitRows: Int32Array; calRows: Int32Array } {
  const rng = new Random(seed);
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  y.forEach((c, i) => byClass[c].push(i));
  const fit: number[] = [];
  const cal: number[] = [];
  for (const rows of byClass) {
    rng.shuffle(rows);
    const nCal =
      rows.length >= 2
        ? Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * share)))
        : 0;
    for (let i = 0; i < rows.length; i++) (i < nCal ? cal : fit).push(rows[i]);
  }
  return { fitRows: Int32Array.from(fit).sort(), calRows: Int32Array.from(cal).sort() };
}

function takeLabels(y: Int32Array, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (i) => y[i]);
}

registerEstimator('ConformalClassifier', ConformalClassifier, (json) =>
  ConformalClassifier.fromJSON(json),
);
