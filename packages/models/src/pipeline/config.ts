import { PipelineConfigError, defaultsOf, mergeChecked, type SchemaNode } from './config-schema.js';
import { MODELS_SCHEMA, modelFamilies } from './families.js';

/** The name of a registered model family (see `registerModelFamily`), e.g. `knn`. */
export type ModelFamily = string;

/** The configuration schema: every key, its default, what it accepts and what it means. */
export const PIPELINE_SCHEMA: SchemaNode = {
  kind: 'object',
  fields: {
    data: {
      kind: 'object',
      doc: 'Where the data comes from.',
      fields: {
        source: {
          kind: 'enum',
          values: ['blobs', 'csv'],
          default: 'blobs',
          doc: 'Generate Gaussian clusters, or read data.path (set by --data).',
        },
        dim: {
          kind: 'enum',
          values: [2, 3],
          default: 3,
          doc: 'Dimension of generated clusters (--dim).',
        },
        n: {
          kind: 'number',
          default: 20_000,
          min: 50,
          integer: true,
          doc: 'Number of generated points.',
        },
        k: {
          kind: 'number',
          default: 6,
          min: 2,
          integer: true,
          doc: 'Number of generated clusters (classes).',
        },
        std: {
          kind: 'number',
          default: 3,
          min: 0,
          exclusiveMin: true,
          doc: 'Standard deviation of each generated cluster.',
        },
        centerBox: {
          kind: 'list',
          item: { kind: 'number' },
          default: [-10, 10],
          minLength: 2,
          doc: 'Range [low, high] of the random cluster centres.',
        },
        seed: { kind: 'number', default: 42, integer: true, doc: 'Seed of the generated data.' },
        path: {
          kind: 'string',
          default: null,
          nullable: true,
          doc: 'Training CSV (--data): a header row, numeric features and a label column.',
        },
        label: {
          kind: 'string',
          default: null,
          nullable: true,
          doc: 'Name of the label column (--label); default: the last column.',
        },
        testPath: {
          kind: 'string',
          default: null,
          nullable: true,
          doc: 'Test CSV (--test-data); when set, it is the test split.',
        },
      },
    },
    split: {
      kind: 'object',
      doc: 'Stratified train / calibration / test split.',
      fields: {
        testSize: {
          kind: 'number',
          default: 0.2,
          min: 0,
          max: 0.9,
          exclusiveMin: true,
          doc: 'Fraction of rows held out for the test split (unless data.testPath).',
        },
        calibrationSize: {
          kind: 'number',
          default: 0.2,
          min: 0,
          max: 0.9,
          exclusiveMin: true,
          doc: 'Fraction of the remaining rows held out to calibrate probabilities and conformal sets.',
        },
        seed: { kind: 'number', default: 7, integer: true, doc: 'Seed of the split.' },
      },
    },
    features: {
      kind: 'object',
      doc: 'Feature engineering, fitted inside each model pipeline.',
      fields: {
        coordinates: {
          kind: 'enum',
          values: ['auto', 'cartesian', 'polar'],
          default: 'auto',
          doc: 'Cartesian features, polar (2D) / spherical (3D) ones, or auto: the better by CV.',
        },
        derived: {
          kind: 'boolean',
          default: false,
          doc: 'Add derived features: pairwise products and ratios, squares, norms, sin/cos of angles.',
        },
        selection: {
          kind: 'enum',
          values: ['none', 'kbest', 'mutual_info', 'fresh'],
          default: 'none',
          doc: 'Automatic feature selection: ANOVA F top-k, mutual-information top-k, or FRESH hypothesis tests.',
        },
        k: {
          kind: 'number',
          default: 3,
          min: 1,
          integer: true,
          doc: 'Features kept by kbest / mutual_info.',
        },
        fdrLevel: {
          kind: 'number',
          default: 0.05,
          min: 0,
          max: 1,
          exclusiveMin: true,
          doc: 'FRESH false discovery rate (Benjamini–Yekutieli).',
        },
        scale: {
          kind: 'boolean',
          default: true,
          doc: 'Standardise features (mean 0, variance 1) before the model.',
        },
      },
    },
    search: {
      kind: 'object',
      doc: 'Model search by stratified cross validation.',
      fields: {
        folds: {
          kind: 'number',
          default: 5,
          min: 2,
          integer: true,
          doc: 'Number of stratified CV folds.',
        },
        scoring: {
          kind: 'enum',
          values: ['accuracy', 'balanced_accuracy', 'f1_macro', 'neg_log_loss'],
          default: 'accuracy',
          doc: 'What the search maximises.',
        },
        seed: {
          kind: 'number',
          default: 11,
          integer: true,
          doc: 'Seed of fold shuffling and random search.',
        },
        maxSamples: {
          kind: 'number',
          default: 20_000,
          min: 100,
          integer: true,
          doc: 'Searches run on a stratified sample of at most this many training rows; the best candidate is refitted on all of them (or on models.<family>.maxSamples).',
        },
      },
    },
    models: MODELS_SCHEMA,
    strategy: {
      kind: 'enum',
      values: ['best', 'voting'],
      default: 'voting',
      doc: 'Soft-vote the calibrated top models (the default: the CV scores of good models differ by less than their noise, and the vote averages it out), or pick the best single model by CV score.',
    },
    voting: {
      kind: 'object',
      doc: 'The voting ensemble (strategy: voting).',
      fields: {
        top: {
          kind: 'number',
          default: 3,
          min: 2,
          integer: true,
          doc: 'How many of the best families vote.',
        },
      },
    },
    calibration: {
      kind: 'object',
      doc: 'Probability calibration on the calibration split.',
      fields: {
        method: {
          kind: 'enum',
          values: ['auto', 'sigmoid', 'isotonic', 'none'],
          default: 'auto',
          doc: 'Platt scaling, isotonic regression, none, or auto: the one with the lowest log loss by 2-fold CV on the calibration split.',
        },
      },
    },
    conformal: {
      kind: 'object',
      doc: 'Split-conformal prediction sets, calibrated on the calibration split.',
      fields: {
        method: {
          kind: 'enum',
          values: ['lac', 'aps', 'raps', 'topk'],
          default: 'lac',
          doc: 'The conformity score: LAC (smallest sets), APS and RAPS (adaptive), top-k.',
        },
        alpha: {
          kind: 'number',
          default: 0.1,
          min: 0,
          max: 1,
          exclusiveMin: true,
          doc: 'Miscoverage level: sets contain the true class with probability ≥ 1 − alpha.',
        },
      },
    },
    explain: {
      kind: 'object',
      doc: 'Explanations on the test split.',
      fields: {
        permutationRepeats: {
          kind: 'number',
          default: 5,
          min: 1,
          integer: true,
          doc: 'Shuffles per feature for permutation importance (fewer when the time budget needs it).',
        },
        permutationRows: {
          kind: 'number',
          default: 2_000,
          min: 10,
          integer: true,
          doc: 'Permutation importance scores a stratified, seeded sample of at most this many test rows.',
        },
        permutationSeconds: {
          kind: 'number',
          default: 10,
          min: 0,
          exclusiveMin: true,
          doc: 'Time budget of permutation importance: beyond it, fewer rows (down to 200), then fewer repeats.',
        },
        shapBackground: {
          kind: 'number',
          default: 100,
          min: 1,
          integer: true,
          doc: 'Background rows for Shapley values: a weighted k-means summary of the training split (as shap.kmeans).',
        },
        shapRows: {
          kind: 'number',
          default: 200,
          min: 1,
          integer: true,
          doc: 'Test rows explained for the mean |SHAP| importance (a stratified, seeded sample).',
        },
        shapSeconds: {
          kind: 'number',
          default: 10,
          min: 0,
          exclusiveMin: true,
          doc: 'Time budget of the Shapley values, from the measured cost of one model row: beyond it, a smaller background (down to 10 rows), fewer Kernel SHAP coalitions (down to 2M + 2), fewer rows (down to 20). The report says what was reduced.',
        },
        localRows: {
          kind: 'number',
          default: 5,
          min: 0,
          integer: true,
          doc: 'Test rows whose local Shapley values the report shows (0: none, as shap explains only the rows it is given).',
        },
        seed: {
          kind: 'number',
          default: 3,
          integer: true,
          doc: 'Seed of the shuffles and samples.',
        },
      },
    },
    tsne: {
      kind: 'object',
      doc: 't-SNE view of 3D data in 2D.',
      fields: {
        enabled: {
          kind: 'boolean',
          default: true,
          doc: 'Embed a sample of the test split when the data has 3 features.',
        },
        sample: { kind: 'number', default: 3_000, min: 10, integer: true, doc: 'Rows embedded.' },
        perplexity: { kind: 'number', default: 30, min: 2, doc: 'Perplexity.' },
        nIter: {
          kind: 'number',
          default: 750,
          min: 1,
          integer: true,
          doc: "Gradient-descent iterations: the first 250 with early exaggeration, as openTSNE's defaults (250 + 500); scikit-learn runs 1,000, a quarter more time for the same picture.",
        },
        seed: { kind: 'number', default: 5, integer: true, doc: 'Seed.' },
      },
    },
    registry: {
      kind: 'object',
      doc: 'Where the model is registered and when it becomes the `champion`.',
      fields: {
        name: {
          kind: 'string',
          default: null,
          nullable: true,
          doc: 'Registered model name (--model-name; letters, digits, "_", "-", "."); default: clustering-<digest of the input columns and classes>, one name per data signature.',
        },
        promote: {
          kind: 'boolean',
          default: false,
          doc: "Move the champion alias to this run's version even if it does not beat the champion's test accuracy (--promote).",
        },
      },
    },
    tasks: {
      kind: 'record',
      default: {},
      doc: 'Task option overrides by task name, e.g. {"ClusteringPipeline.searchFamily": {"retries": 2, "timeoutMs": 600000, "cacheExpiration": "7d"}}.',
    },
  },
};

/** Option overrides for one task, by its registered name. */
export interface TaskOverride {
  /** Retries of a failed attempt. */
  retries?: number;
  /** Delay before each retry, ms. */
  retryDelayMs?: number;
  /** Time limit of each attempt, ms. */
  timeoutMs?: number;
  /** How long cache entries stay valid: ms or `'1h'`, `'7d'`. */
  cacheExpiration?: number | string;
}

/** The grid of one family: parameter name → candidate values, plus search settings. */
export interface FamilyConfig {
  /** Search this family. */
  enabled: boolean;
  /** Grid or random search. */
  search: 'grid' | 'random';
  /** Candidates of a random search. */
  nIter: number;
  /** Most training rows the family is searched and fitted on (`null`: all). */
  maxSamples: number | null;
  /** Candidate values by hyper-parameter. */
  [param: string]: unknown;
}

/** The whole pipeline configuration (see `docs/configuration.md` for every key). */
export interface PipelineConfig {
  /** Data source. */
  data: {
    source: 'blobs' | 'csv';
    dim: 2 | 3;
    n: number;
    k: number;
    std: number;
    centerBox: number[];
    seed: number;
    path: string | null;
    label: string | null;
    testPath: string | null;
  };
  /** The split. */
  split: { testSize: number; calibrationSize: number; seed: number };
  /** Features. */
  features: {
    coordinates: 'auto' | 'cartesian' | 'polar';
    derived: boolean;
    selection: 'none' | 'kbest' | 'mutual_info' | 'fresh';
    k: number;
    fdrLevel: number;
    scale: boolean;
  };
  /** Model search. */
  search: {
    folds: number;
    scoring: 'accuracy' | 'balanced_accuracy' | 'f1_macro' | 'neg_log_loss';
    seed: number;
    maxSamples: number;
  };
  /** Families and grids. */
  models: Record<ModelFamily, FamilyConfig>;
  /** Best single model or voting. */
  strategy: 'best' | 'voting';
  /** Voting settings. */
  voting: { top: number };
  /** Calibration. */
  calibration: { method: 'auto' | 'sigmoid' | 'isotonic' | 'none' };
  /** Conformal sets. */
  conformal: { method: 'lac' | 'aps' | 'raps' | 'topk'; alpha: number };
  /** Explanations. */
  explain: {
    permutationRepeats: number;
    permutationRows: number;
    permutationSeconds: number;
    shapBackground: number;
    shapRows: number;
    shapSeconds: number;
    localRows: number;
    seed: number;
  };
  /** t-SNE. */
  tsne: { enabled: boolean; sample: number; perplexity: number; nIter: number; seed: number };
  /** Model registration. */
  registry: { name: string | null; promote: boolean };
  /** Task option overrides by task name. */
  tasks: Record<string, TaskOverride>;
}

/** A deep partial of the configuration, as written in files and code. */
export type PipelineConfigInput = {
  [K in keyof PipelineConfig]?: PipelineConfig[K] extends Record<string, unknown>
    ? Partial<{ [L in keyof PipelineConfig[K]]: unknown }>
    : unknown;
};

/** The defaults (a fresh copy). */
export function defaultPipelineConfig(): PipelineConfig {
  return defaultsOf(PIPELINE_SCHEMA) as PipelineConfig;
}

/** Applies `overrides` over `base`, checking every key and value. */
export function mergePipelineConfig(base: PipelineConfig, overrides: unknown): PipelineConfig {
  const merged = mergeChecked(PIPELINE_SCHEMA, base, overrides, '') as PipelineConfig;
  const [lo, hi] = merged.data.centerBox;
  if (merged.data.centerBox.length !== 2 || !(lo < hi)) {
    throw new PipelineConfigError(
      'data.centerBox',
      `expected [low, high] with low < high, got ${JSON.stringify(merged.data.centerBox)}.`,
    );
  }
  checkRegisteredName(merged.registry.name);
  const families = modelFamilies();
  if (!families.some((f) => merged.models[f].enabled)) {
    throw new PipelineConfigError('models', `enable at least one of ${families.join(', ')}.`);
  }
  return merged;
}

export { PipelineConfigError };

/** A registered name must fit a `models:/NAME@alias` URI; checked before the run starts. */
function checkRegisteredName(name: string | null): void {
  if (name !== null && !/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw new PipelineConfigError(
      'registry.name',
      `expected 1-100 letters, digits, "_", "-" or "." (a name usable in models:/NAME@champion), got ${JSON.stringify(name)}.`,
    );
  }
}
