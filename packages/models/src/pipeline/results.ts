import type { Dataset } from '../data/dataset.js';
import type { Classifier } from '../estimators/classifier.js';
import type { ModelFamily } from './config.js';
import type { ConformalReport, Evaluation, Explanations } from './evaluation.js';
import type { FeaturePlan } from './features-plan.js';
import type { Registration } from './registration.js';

/** The outcome of one family's search. */
export interface FamilyResult {
  /** The family. */
  readonly family: ModelFamily;
  /** Its display name. */
  readonly label: string;
  /** The best hyper-parameters (without the `model__` prefix). */
  readonly bestParams: Record<string, unknown>;
  /** Mean CV score of the best candidate. */
  readonly cvScore: number;
  /** Standard deviation of its fold scores. */
  readonly cvStd: number;
  /** The CV results table (one row per candidate). */
  readonly cvTable: { columns: string[]; rows: (string | number | null)[][] };
  /** The best candidate's pipeline refitted on the training split. */
  readonly model: Classifier;
  /** The best candidate's score on each fold. */
  readonly foldScores: number[];
  /** Seconds the search and refit took. */
  readonly seconds: number;
}

/** The model a run ends with. */
export interface FinalModel {
  /** `knn`, ..., or `voting(knn+svc+logistic)`. */
  readonly name: string;
  /** The families in it. */
  readonly members: readonly ModelFamily[];
  /** The fitted (and calibrated) classifier: raw features in, probabilities out. */
  readonly model: Classifier;
  /**
   * Its own cross-validated score (config `search.scoring`): the chosen family's search score, or
   * for a vote the vote itself cross-validated on the search folds (see `crossValidateVote`).
   */
  readonly cvScore: number;
  /** Standard deviation of its fold scores. */
  readonly cvStd: number;
  /** The calibration applied (per member for voting), e.g. `sigmoid` or `knn: isotonic, svc: none`. */
  readonly calibration: string;
}

/** What a pipeline run returns (and the CLI prints). */
export interface PipelineResult {
  /** The tracking run id of the top-level flow run, when tracked. */
  readonly runId?: string;
  /** The selected model's name. */
  readonly model: string;
  /** Its own CV score (config `search.scoring`; a vote's is the vote's, not its best member's). */
  readonly cvScore: number;
  /** The families in it (one unless it votes). */
  readonly members: readonly ModelFamily[];
  /** Test accuracy. */
  readonly testAccuracy: number;
  /** Test log loss. */
  readonly testLogLoss: number;
  /** Conformal coverage on the test split. */
  readonly conformalCoverage: number;
  /** Mean conformal set size on the test split. */
  readonly conformalMeanSize: number;
  /** The calibration of the selected model (per member for voting). */
  readonly calibration: string;
  /** The artifact path of the report in the run (`report.html`). */
  readonly report: string;
  /** Every searched family with its CV score and test metrics. */
  readonly families: {
    family: ModelFamily;
    cvScore: number;
    testAccuracy: number;
    testLogLoss: number;
  }[];
  /** The feature plan. */
  readonly features: FeaturePlan;
  /** The final model's evaluation. */
  readonly evaluation: Evaluation;
  /** Conformal sets. */
  readonly conformal: ConformalReport;
  /** Explanations. */
  readonly explanations: Explanations;
  /** Where the model was registered and what `champion` did; `null` when tracking is off. */
  readonly registration: Registration | null;
  /** The report's HTML. */
  readonly html: string;
}

/** What the evaluate stage returns: the final model, its evaluations, and each family's test scores. */
export interface EvaluationStage {
  /** The final (calibrated) model. */
  final: FinalModel;
  /** Its test evaluation. */
  evaluation: Evaluation;
  /** Each family's (uncalibrated) best model on the test split. */
  familyMetrics: {
    family: ModelFamily;
    accuracy: number;
    logLoss: number;
    reliability: Evaluation['reliability'];
  }[];
  /** Permutation importance and Shapley values. */
  explanations: Explanations;
  /** Conformal sets. */
  conformal: ConformalReport;
  /** The t-SNE embedding of a test sample (3-feature data), else null. */
  embedding: Dataset | null;
}
