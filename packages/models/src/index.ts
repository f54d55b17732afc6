/**
 * `@tideflow/models`: a multi-class classification toolkit in the shape of scikit-learn, built on
 * typed arrays, and the clustering-classification pipeline as tideflow flows.
 *
 * @packageDocumentation
 */

// Errors: every failure of this package is one of these, with a stable `code`.
export {
  EstimatorInputError,
  InvalidParameterError,
  NotFittedError,
  DataFormatError,
  UnsupportedOperationError,
} from './errors.js';

// Data: dense matrices, CSV files, seeded randomness, synthetic blobs and train/test splits.
export { denseMatrix, fromRows, row, takeRows, asDenseMatrix } from './data/matrix.js';
export { toMlMatrix } from './data/ml-matrix.js';
export type { DenseMatrix, MatrixLike } from './data/matrix.js';
export type { Dataset } from './data/dataset.js';
export { Random, portableLog } from './data/random.js';
export { parseCsv, readCsv, formatCsv, writeCsv } from './data/csv.js';
export type { ReadCsvOptions, WriteCsvOptions } from './data/csv.js';
export { makeBlobs } from './data/blobs.js';
export type { MakeBlobsOptions, Blobs } from './data/blobs.js';
export { trainTestSplit, trainTestSplitIndices, subsetDataset } from './data/split.js';
export type { TrainTestSplitOptions, SplitIndices } from './data/split.js';

// Estimators: the base classes, input and parameter checks, the JSON registry, and the classifiers.
export type { Classifier, Transformer, EstimatorJSON } from './estimators/classifier.js';
export {
  BaseClassifier,
  BaseTransformer,
  argmaxRows,
  predictWithProba,
  checkJSONType,
  toFloat64,
  toInt32,
  toMatrix,
} from './estimators/base.js';
export { Parameterized } from './estimators/parameterized.js';
export {
  registerEstimator,
  registeredEstimatorTypes,
  estimatorFromJSON,
  classifierFromJSON,
  isClassifier,
} from './estimators/estimator-registry.js';
export type { EstimatorFactory } from './estimators/estimator-registry.js';
export {
  checkMatrix,
  checkLabels,
  checkFitInput,
  checkPredictInput,
  encodeLabels,
} from './estimators/input-checks.js';
export type { EncodedLabels } from './estimators/input-checks.js';
export { checkNumber, checkChoice, checkKnownParams } from './estimators/param-checks.js';
export type { NumberRule } from './estimators/param-checks.js';
export { declareParams, checkParam, classifierParam } from './estimators/param-spec.js';
export type {
  ParamSpec,
  ParamSpecs,
  ParamDeclaration,
  NumberParamSpec,
  ChoiceParamSpec,
  BooleanParamSpec,
  OtherParamSpec,
} from './estimators/param-spec.js';
export { GaussianNB, GAUSSIAN_NB_PARAMS, softmaxRowsInPlace } from './estimators/naive-bayes.js';
export type { GaussianNBParams, GaussianNBModel } from './estimators/naive-bayes.js';
export { KNeighborsClassifier, KNN_PARAMS } from './estimators/knn.js';
export type { KNeighborsParams, KNeighborsModel } from './estimators/knn.js';
export { KDTree } from './estimators/kd-tree.js';
export { BruteForceNeighbors } from './estimators/brute-neighbors.js';
export { neighborIndex, BRUTE_FORCE_MIN_DIM } from './estimators/neighbor-index.js';
export type { NeighborIndex } from './estimators/neighbor-index.js';
export type { Neighbors } from './estimators/kd-tree.js';
export { LogisticRegression, LOGISTIC_PARAMS } from './estimators/logistic.js';
export type { LogisticRegressionParams, LogisticRegressionModel } from './estimators/logistic.js';
export { minimizeLbfgs } from './estimators/lbfgs.js';
export type { Objective, LbfgsOptions, LbfgsResult } from './estimators/lbfgs.js';
export { DecisionTreeClassifier, DECISION_TREE_PARAMS } from './estimators/tree.js';
export type { DecisionTreeParams, DecisionTreeModel } from './estimators/tree.js';
export { RandomForestClassifier, RANDOM_FOREST_PARAMS } from './estimators/forest.js';
export type { RandomForestParams, ForestModel } from './estimators/forest.js';
export type { TreeParams, MaxFeatures } from './estimators/tree-params.js';
export type { TreeArrays } from './estimators/tree-builder.js';
export { SVC, SVC_PARAMS } from './estimators/svm.js';
export type { SVCParams, SVCModel, SVCPairModel } from './estimators/svm.js';

// Features: scaling, coordinates, derived features, univariate tests, feature selection and the
// estimator pipeline (scikit-learn's `Pipeline`).
export { StandardScaler } from './features/scaler.js';
export type { StandardScalerParams, StandardScalerModel } from './features/scaler.js';
export {
  CoordinateTransformer,
  cartesianToPolar,
  polarToCartesian,
  cartesianToSpherical,
  sphericalToCartesian,
} from './features/coordinates.js';
export type { CoordinateTransformerParams } from './features/coordinates.js';
export { DerivedFeatures } from './features/derived.js';
export type { DerivedFeaturesParams, DerivedModel } from './features/derived.js';
export { fClassif, fSurvival } from './features/f-classif.js';
export type { UnivariateScores } from './features/f-classif.js';
export { mutualInfoClassif } from './features/mutual-info.js';
export type { MutualInfoOptions } from './features/mutual-info.js';
export {
  averageRanks,
  mannWhitneyPValue,
  kruskalWallis,
  normalSurvival,
  chi2Survival,
} from './features/rank-tests.js';
export type { Ranks } from './features/rank-tests.js';
export { falseDiscoveryControl } from './features/fdr.js';
export type { FdrResult } from './features/fdr.js';
export { FeatureSelector, topK } from './features/selector.js';
export { SelectKBest } from './features/select-k-best.js';
export type { SelectKBestParams, SelectKBestDetails } from './features/select-k-best.js';
export { FreshSelector } from './features/fresh.js';
export type { FreshSelectorParams, FreshDetails } from './features/fresh.js';
export { RFECV } from './features/rfe.js';
export type { RFECVParams, RFECVDetails } from './features/rfe.js';
export { Pipeline } from './features/estimator-pipeline.js';
export type { PipelineParams, PipelineStep } from './features/estimator-pipeline.js';

// Selection: stratified folds, cross-validation, parameter grids and the *SearchCV estimators.
export { StratifiedKFold, foldsToSplits } from './selection/stratified-kfold.js';
export type { Split, StratifiedKFoldOptions } from './selection/stratified-kfold.js';
export {
  crossValidate,
  resolveSplits,
  resolveScorers,
  foldData,
} from './selection/cross-validate.js';
export type {
  CvSpec,
  ScoringSpec,
  CrossValidateOptions,
  CrossValidateResult,
  FoldData,
} from './selection/cross-validate.js';
export { expandGrid, sampleParams, uniform, logUniform, randInt } from './selection/param-grid.js';
export type { ParamGrid, ParamDistributions, Distribution } from './selection/param-grid.js';
export {
  BaseSearchCV,
  GridSearchCV,
  RandomizedSearchCV,
  cvResultsRows,
} from './selection/search-cv.js';
export type {
  CvResults,
  SearchOptions,
  GridSearchParams,
  RandomizedSearchParams,
} from './selection/search-cv.js';

// Calibration: isotonic and sigmoid calibrators, the calibrated classifier, calibration curves.
export { IsotonicRegression, poolAdjacentViolators } from './calibration/isotonic.js';
export type { IsotonicState } from './calibration/isotonic.js';
export { fitSigmoid, applySigmoid } from './calibration/sigmoid.js';
export type { SigmoidParams } from './calibration/sigmoid.js';
export { calibrationCurve } from './calibration/curve.js';
export type { CalibrationCurve, CalibrationCurveOptions } from './calibration/curve.js';
export {
  CalibratedClassifier,
  applyClassCalibrators,
  fitClassCalibrators,
} from './calibration/calibrated-classifier.js';
export type {
  CalibratedClassifierParams,
  CalibratedModel,
  CalibratedPair,
} from './calibration/calibrated-classifier.js';
export { fitCalibrator, calibratorFromJSON } from './calibration/calibrator.js';
export type { Calibrator, CalibratorJSON } from './calibration/calibrator.js';

// Ensemble: soft/hard voting and choosing the best model or ensemble from CV results.
export { VotingClassifier } from './ensemble/voting.js';
export type { VotingClassifierParams, NamedClassifier, VotingModel } from './ensemble/voting.js';
export { selectBestModel } from './ensemble/select-best.js';
export type {
  SelectBestModelOptions,
  CandidateResult,
  ModelSelection,
} from './ensemble/select-best.js';

// Metrics: label and probability metrics, and scorers by name.
export {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  precisionRecallF1,
} from './metrics/classification.js';
export type {
  ConfusionMatrix,
  LabelOptions,
  AveragedScores,
  PrecisionRecallF1,
  PrecisionRecallF1Options,
} from './metrics/classification.js';
export { logLoss, brierScore, rocAucOvr, binaryRocAuc } from './metrics/probability.js';
export type { ProbabilityOptions, LogLossOptions, RocAucOptions } from './metrics/probability.js';
export { scorer, scorerUsesProbabilities, SCORER_NAMES } from './metrics/scorer.js';
export type { Scorer, ScorerName } from './metrics/scorer.js';

// Explain: permutation importance, exact and Kernel SHAP, background summaries and budgets.
export { permutationImportance } from './explain/permutation.js';
export type { PermutationImportance, PermutationImportanceOptions } from './explain/permutation.js';
export { exactShap, binomial } from './explain/exact-shap.js';
export type { ExactShapOptions } from './explain/exact-shap.js';
export { kernelShap } from './explain/kernel-shap.js';
export type { KernelShapOptions } from './explain/kernel-shap.js';
export { kmeansBackground } from './explain/background.js';
export type { WeightedBackground, KmeansBackgroundOptions } from './explain/background.js';
export { planShap, planPermutation, secondsPerRow } from './explain/budget.js';
export type {
  ShapBudgetInput,
  ShapPlan,
  PermutationBudgetInput,
  PermutationPlan,
} from './explain/budget.js';
export {
  shapValue,
  shapImportance,
  sampleBackground,
  CoalitionEvaluator,
} from './explain/shapley.js';
export type {
  ProbabilisticModel,
  ShapOptions,
  ShapExplanation,
  ShapImportance,
} from './explain/shapley.js';

// Conformal: split-conformal prediction sets and their scores.
export { ConformalClassifier } from './conformal/conformal-classifier.js';
export type {
  ConformalClassifierParams,
  ConformalModel,
} from './conformal/conformal-classifier.js';
export {
  CONFORMAL_METHODS,
  conformalScores,
  conformalQuantile,
  predictionSets,
  coverage,
  meanSetSize,
  setSizeCounts,
  checkAlpha,
} from './conformal/scores.js';
export type { ConformalMethod, RapsOptions } from './conformal/scores.js';

// Embed: 2-D embeddings (t-SNE) and how well they keep neighbours.
export { neighborAccuracy } from './embed/neighbor-accuracy.js';
export { tsne } from './embed/tsne.js';
export type { TsneOptions, TsneResult } from './embed/tsne.js';

// Plots: SVG charts.
export { scatterPlot } from './plots/scatter.js';
export type { ScatterPlotOptions } from './plots/scatter.js';
export { confusionMatrixPlot } from './plots/confusion.js';
export type { ConfusionMatrixPlotOptions } from './plots/confusion.js';
export { reliabilityDiagram } from './plots/reliability.js';
export type { ReliabilityDiagramOptions, ReliabilityCurve } from './plots/reliability.js';
export { importanceBarChart } from './plots/importance.js';
export type { ImportanceBarChartOptions, ImportanceSeries } from './plots/importance.js';
export { shapSummaryPlot } from './plots/shap-summary.js';
export type { ShapSummaryPlotOptions } from './plots/shap-summary.js';
export { cvScoreChart } from './plots/cv-scores.js';
export type { CvScoreChartOptions, ModelScores } from './plots/cv-scores.js';
export { setSizeHistogram } from './plots/set-size.js';
export type { SetSizeHistogramOptions, SetSizeSeries } from './plots/set-size.js';
export { PALETTE, colorOf, escapeXml, niceTicks } from './plots/svg.js';
export type { ChartOptions } from './plots/svg.js';

// Pipeline: the clustering-classification application as tideflow flows: its configuration,
// splits, feature plan, family search, calibration, evaluation and report.
export {
  ClusteringPipeline,
  type ClusteringPipelineOptions,
} from './pipeline/clustering-pipeline.js';
export type {
  FamilyResult,
  FinalModel,
  PipelineResult,
  EvaluationStage,
} from './pipeline/results.js';
export {
  registeredModelName,
  modelSignature,
  signatureDigest,
  versionTags,
} from './pipeline/registration.js';
export type { Registration, VersionTagInput } from './pipeline/registration.js';
export { PIPELINE_SCHEMA, defaultPipelineConfig, mergePipelineConfig } from './pipeline/config.js';
export type {
  PipelineConfig,
  PipelineConfigInput,
  FamilyConfig,
  ModelFamily,
  TaskOverride,
} from './pipeline/config.js';
export {
  parseSetOverrides,
  readConfigFile,
  resolvePipelineConfig,
} from './pipeline/config-load.js';
export type { ConfigSources } from './pipeline/config-load.js';
export {
  PipelineConfigError,
  describeLeaf,
  leaves,
  defaultsOf,
  mergeChecked,
  checkLeaf,
} from './pipeline/config-schema.js';
export type { LeafSpec, ItemSpec, SchemaNode } from './pipeline/config-schema.js';
export { PIPELINE_TASKS, checkOverrides, withOverrides } from './pipeline/task-overrides.js';
export {
  splitData,
  splitRows,
  applySplit,
  splitOptions,
  minimumClassRows,
  stratifiedSample,
} from './pipeline/splits.js';
export type { Splits, SplitRows, SplitOptions } from './pipeline/splits.js';
export { featureSteps, checkPlan, supportsPolar } from './pipeline/features-plan.js';
export type { FeaturePlan } from './pipeline/features-plan.js';
export { compareCoordinates, searchFamily } from './pipeline/family-search.js';
export { registerModelFamily, modelFamilies } from './pipeline/families.js';
export type { ModelFamilySpec } from './pipeline/families.js';
export { CALIBRATION_ROWS, calibrate, chooseCalibration } from './pipeline/calibrate.js';
export type { CalibrationMethod } from './pipeline/calibrate.js';
export { DATASET_DIGEST_LENGTH, dataInputs, datasetDigest } from './pipeline/data-inputs.js';
export {
  evaluateModel,
  explainModel,
  explanationReductions,
  conformalSets,
  reliability,
  CONFORMAL_ROWS,
  FAMILY_TEST_ROWS,
  familyTestSample,
} from './pipeline/evaluation.js';
export type {
  TestMetrics,
  Evaluation,
  Explanations,
  ExplanationBudget,
  ConformalReport,
} from './pipeline/evaluation.js';
export { renderReport, renderCharts } from './pipeline/report.js';
export type { ReportInput, ReportCharts } from './pipeline/report.js';
