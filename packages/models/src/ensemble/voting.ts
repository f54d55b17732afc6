import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import {
  EstimatorInputError,
  InvalidParameterError,
  UnsupportedOperationError,
} from '../errors.js';
import { BaseClassifier, checkJSONType, toInt32 } from '../estimators/base.js';
import type { Classifier, EstimatorJSON } from '../estimators/classifier.js';
import { classifierFromJSON, registerEstimator } from '../estimators/estimator-registry.js';
import { declareParams } from '../estimators/param-spec.js';

/** One member of an ensemble: a name (for reports) and a classifier. */
export interface NamedClassifier {
  /** A name unique within the ensemble. */
  readonly name: string;
  /** The classifier (fitted already when the ensemble is `prefit`). */
  readonly estimator: Classifier;
}

/** Hyper-parameters of {@link VotingClassifier}. */
export interface VotingClassifierParams {
  /** The members, at least one. */
  estimators: readonly NamedClassifier[];
  /** `'soft'`: average the members' probabilities (default); `'hard'`: majority vote of their predictions. */
  voting: 'soft' | 'hard';
  /** One non-negative weight per member, or `null` (default) for equal weights. */
  weights: readonly number[] | null;
  /** Use the members as already fitted instead of fitting copies on the data given to `fit`. Default false. */
  prefit: boolean;
}

/** The fitted members of a {@link VotingClassifier} and, for each, the output column of each of its classes. */
export interface VotingModel {
  /** The fitted members, in parameter order. */
  members: Classifier[];
  /** For each member, the output class index of each of its probability columns. */
  columns: Int32Array[];
  /** Number of classes seen by `fit`. */
  nClasses: number;
}

/** The declared hyper-parameters of {@link VotingClassifier}. */
export const VOTING_CLASSIFIER_PARAMS = declareParams<VotingClassifierParams>('VotingClassifier', {
  estimators: {
    kind: 'other',
    accepts: 'a non-empty list of { name, estimator } with distinct names',
    default: [],
    doc: 'The members.',
    check: checkMembers,
  },
  voting: { kind: 'choice', values: ['soft', 'hard'], default: 'soft', doc: 'Soft or hard vote.' },
  weights: {
    kind: 'other',
    accepts: 'null or one finite, non-negative weight per member, not all zero',
    default: null,
    doc: 'Member weights.',
  },
  prefit: { kind: 'boolean', default: false, doc: 'Use the members as already fitted.' },
});

function checkMembers(estimator: string, name: string, members: readonly NamedClassifier[]): void {
  if (!Array.isArray(members) || members.length === 0) {
    throw new InvalidParameterError(estimator, name, 'needs at least one { name, estimator }.');
  }
  const names = new Set<string>();
  for (let i = 0; i < members.length; i++) {
    const m = members[i] as Partial<NamedClassifier> | undefined;
    const e = m?.estimator as Partial<Classifier> | undefined;
    if (
      typeof m?.name !== 'string' ||
      !e ||
      typeof e.fit !== 'function' ||
      typeof e.predict !== 'function'
    ) {
      throw new InvalidParameterError(
        estimator,
        `${name}[${i}]`,
        'must be { name: string, estimator: Classifier }.',
      );
    }
    if (names.has(m.name))
      throw new InvalidParameterError(estimator, name, `the name "${m.name}" is used twice.`);
    names.add(m.name);
  }
}

/**
 * Combines classifiers, like scikit-learn's `VotingClassifier`: soft voting takes the weighted
 * average of the members' probabilities, hard voting the weighted majority of their predicted labels
 * (ties go to the smallest label; hard voting has no probabilities). With `prefit` the members are
 * used as they are, e.g. calibrated models already chosen by `selectBestModel`.
 *
 * @example
 * ```ts
 * const vote = new VotingClassifier({
 *   estimators: [{ name: 'nb', estimator: new GaussianNB() }, { name: 'knn', estimator: new KNeighborsClassifier({ nNeighbors: 15 }) }],
 *   weights: [2, 1],
 * }).fit(train.X, train.y);
 * ```
 */
export class VotingClassifier extends BaseClassifier<VotingClassifierParams, VotingModel> {
  constructor(
    params: Partial<VotingClassifierParams> & { estimators: readonly NamedClassifier[] },
  ) {
    super(VOTING_CLASSIFIER_PARAMS, params);
    const { estimators, weights } = this.params;
    // The weights' rule depends on the members, so it is checked here, after both.
    if (weights !== null) {
      if (!Array.isArray(weights) || weights.length !== estimators.length) {
        throw new InvalidParameterError(
          this.typeName,
          'weights',
          `needs one weight per estimator (${estimators.length}).`,
        );
      }
      if (
        weights.some((w) => !(typeof w === 'number' && Number.isFinite(w) && w >= 0)) ||
        weights.every((w) => w === 0)
      ) {
        throw new InvalidParameterError(
          this.typeName,
          'weights',
          'must be finite, non-negative and not all zero.',
        );
      }
    }
  }

  /** Rebuilds a `VotingClassifier` (fitted or not) from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): VotingClassifier {
    checkJSONType(json, 'VotingClassifier');
    const params = json.params;
    const estimators = (params.estimators as { name: string; estimator: EstimatorJSON }[]).map(
      (m) => ({
        name: m.name,
        estimator: classifierFromJSON(m.estimator),
      }),
    );
    return new VotingClassifier({
      ...(params as Partial<VotingClassifierParams>),
      estimators,
    }).restore(json.state);
  }

  /** The fitted members, by name. */
  get namedEstimators(): ReadonlyMap<string, Classifier> {
    const members = this.model.members;
    return new Map(this.params.estimators.map((m, i) => [m.name, members[i]]));
  }

  /** Soft voting predicts the arg-max of the averaged probabilities; hard voting counts labels. */
  override get predictsArgmax(): boolean {
    return this.params.voting === 'soft';
  }

  /** Class probabilities (soft voting only: hard voting throws `UnsupportedOperationError`). */
  override predictProba(X: DenseMatrix): DenseMatrix {
    if (this.params.voting === 'hard') {
      throw new UnsupportedOperationError(
        this.typeName,
        "hard voting has no class probabilities; use voting: 'soft'.",
      );
    }
    return super.predictProba(X);
  }

  override toJSON(): EstimatorJSON {
    const json = super.toJSON();
    const estimators = this.params.estimators.map((m) => ({
      name: m.name,
      estimator: m.estimator.toJSON(),
    }));
    return { ...json, params: { ...json.params, estimators } };
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, nClasses: number): VotingModel {
    const labels = this.fitLabels ?? new Int32Array(0);
    const members: Classifier[] = [];
    const columns: Int32Array[] = [];
    for (const { name, estimator } of this.params.estimators) {
      if (this.params.prefit) {
        if (estimator.classes.length === 0) {
          throw new EstimatorInputError(
            this.typeName,
            `member "${name}" is not fitted but prefit is true; fit it first.`,
          );
        }
        columns.push(
          Int32Array.from(estimator.classes, (label) => {
            const at = labels.indexOf(label);
            if (at < 0)
              throw new EstimatorInputError(
                this.typeName,
                `member "${name}" knows class ${label}, absent from y.`,
              );
            return at;
          }),
        );
        members.push(estimator);
      } else {
        const clf = estimator.withParams({}).fit(X, y);
        members.push(clf);
        columns.push(Int32Array.from(clf.classes));
      }
    }
    return { members, columns, nClasses };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const { members, columns, nClasses } = this.model;
    const w = this.weights();
    const out = denseMatrix(X.rows, nClasses);
    let total = 0;
    members.forEach((m, k) => {
      const p = m.predictProba(X);
      const cols = columns[k];
      for (let i = 0; i < X.rows; i++) {
        for (let c = 0; c < cols.length; c++)
          out.data[i * nClasses + cols[c]] += p.data[i * p.cols + c] * w[k];
      }
      total += w[k];
    });
    for (let i = 0; i < out.data.length; i++) out.data[i] /= total;
    return out;
  }

  protected override predictEncoded(X: DenseMatrix): Int32Array {
    if (this.params.voting === 'soft') return super.predictEncoded(X);
    const { members, columns, nClasses } = this.model;
    const w = this.weights();
    const votes = new Float64Array(X.rows * nClasses);
    members.forEach((m, k) => {
      const pred = m.predict(X);
      const cls = m.classes;
      for (let i = 0; i < X.rows; i++) {
        const c = cls.indexOf(pred[i]);
        votes[i * nClasses + columns[k][c]] += w[k];
      }
    });
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < nClasses; c++)
        if (votes[i * nClasses + c] > votes[i * nClasses + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  protected override encodeModel(model: VotingModel): unknown {
    return {
      nClasses: model.nClasses,
      members: model.members.map((m) => m.toJSON()),
      columns: model.columns,
    };
  }

  protected decodeModel(data: unknown): VotingModel {
    const d = data as { nClasses: unknown; members: EstimatorJSON[]; columns: unknown[] };
    return {
      nClasses: Number(d.nClasses),
      members: d.members.map((m) => classifierFromJSON(m)),
      columns: d.columns.map((c) => toInt32(c)),
    };
  }

  private weights(): readonly number[] {
    return this.params.weights ?? this.params.estimators.map(() => 1);
  }
}

registerEstimator('VotingClassifier', VotingClassifier, (json) => VotingClassifier.fromJSON(json));
