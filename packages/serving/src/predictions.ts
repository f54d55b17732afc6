import type { Classifier, DenseMatrix } from '@tideflow/models/serving';
import { ScoringRequestError } from './errors.js';
import type { ServedModel } from './model-source.js';

/**
 * What `params.predict_method` asks for, after MLflow's `pyfunc_predict_fn`: class labels
 * (`predict`, the default), class probabilities (`predict_proba`), or conformal prediction sets
 * (`predict_sets`, for a model that has them).
 */
export const PREDICT_METHODS = ['predict', 'predict_proba', 'predict_sets'] as const;

/** One of {@link PREDICT_METHODS}. */
export type PredictMethod = (typeof PREDICT_METHODS)[number];

/** The `params` of a scoring request (checked by the request schema). */
export interface ScoringParams {
  /** What to predict. @default "predict" */
  predict_method?: PredictMethod;
  /** Miscoverage of conformal sets, in (0, 1). Default: the α the model was calibrated with. */
  alpha?: number;
}

/** The JSON answer of `POST /invocations`. */
export interface ScoringAnswer {
  /** One entry per input row: a label, a row of probabilities, or a set of labels. */
  predictions: number[] | number[][];
  /** With `predict_proba`: the class label of each probability column. */
  classes?: number[];
  /** With `predict_sets`: the miscoverage α the sets were built for. */
  alpha?: number;
}

/** The parts of a `ConformalClassifier` that prediction sets need. */
interface ConformalLike extends Classifier {
  predictSets(X: DenseMatrix, alpha?: number): Int32Array[];
  readonly params: { alpha: number };
}

function hasSets(model: Classifier): model is ConformalLike {
  return typeof (model as Partial<ConformalLike>).predictSets === 'function';
}

/**
 * The answer of `served` for the rows of `X`: the model's own `predict`, `predictProba` or
 * `predictSets`, as JSON arrays.
 *
 * @throws {@link ScoringRequestError} (400 `INVALID_PARAMETER_VALUE`) for `predict_sets` or
 *   `alpha` on a model without conformal sets; (400 `BAD_REQUEST`) for rows the estimator refuses.
 */
export function predict(
  served: ServedModel,
  X: DenseMatrix,
  params: ScoringParams = {},
): ScoringAnswer {
  const method = params.predict_method ?? 'predict';
  const { model } = served;
  if (params.alpha !== undefined && method !== 'predict_sets') {
    throw new ScoringRequestError(
      400,
      'INVALID_PARAMETER_VALUE',
      'params.alpha applies to predict_method "predict_sets" only.',
    );
  }
  try {
    switch (method) {
      case 'predict':
        return { predictions: X.rows === 0 ? [] : Array.from(model.predict(X)) };
      case 'predict_proba': {
        const classes = Array.from(model.classes);
        if (X.rows === 0) return { predictions: [], classes };
        const P = model.predictProba(X);
        const rows: number[][] = new Array<number[]>(P.rows);
        for (let i = 0; i < P.rows; i++) {
          rows[i] = Array.from(P.data.subarray(i * P.cols, (i + 1) * P.cols));
        }
        return { predictions: rows, classes };
      }
      case 'predict_sets': {
        if (!hasSets(model)) {
          throw new ScoringRequestError(
            400,
            'INVALID_PARAMETER_VALUE',
            `predict_method "predict_sets" needs a conformal model; ${describe(served)} has no prediction sets.`,
          );
        }
        const alpha = params.alpha ?? model.params.alpha;
        const sets = X.rows === 0 ? [] : model.predictSets(X, alpha);
        return { predictions: sets.map((s) => Array.from(s)), alpha };
      }
    }
  } catch (error) {
    // The estimator's own input check (e.g. a width it was not fitted on, without a signature).
    if ((error as { code?: unknown }).code === 'ESTIMATOR_INPUT') {
      throw new ScoringRequestError(400, 'BAD_REQUEST', (error as Error).message);
    }
    throw error;
  }
}

/** `models:/iris v3` or the run model's URI, for messages. */
export function describe(served: ServedModel): string {
  return served.version === null ? served.uri : `${served.name} v${served.version}`;
}
