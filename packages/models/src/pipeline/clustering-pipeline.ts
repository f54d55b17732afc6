import { readFileSync } from 'node:fs';
import { asFlow, asTask, flow, task, track } from '@tideflow/core';
import type { TaskRunner } from '@tideflow/core';
import { makeBlobs } from '../data/blobs.js';
import { parseCsv, readDataFile, unreadable } from '../data/csv.js';
import type { Dataset } from '../data/dataset.js';
import { VotingClassifier } from '../ensemble/voting.js';
import { pcaProjection } from '../embed/pca.js';
import { StandardScaler } from '../features/scaler.js';
import { cvScoreChart } from '../plots/cv-scores.js';
import { type ModelFamily, type PipelineConfig, type TaskOverride } from './config.js';
import { modelFamilies } from './families.js';
import { calibrate } from './calibrate.js';
import { checkDataFiles } from './inputs.js';
import { datasetDigest, logDataInputs } from './data-inputs.js';
import { checkPlan, supportsPolar, type FeaturePlan } from './features-plan.js';
import {
  dataSource,
  renderCharts,
  renderReport,
  withRunDetails,
  type ReportCharts,
  type ReportInput,
} from './report.js';
import {
  CHAMPION_ALIAS,
  CHAMPION_METRIC,
  describeChampion,
  modelSignature,
  registeredModelName,
  versionTags,
  type Registration,
} from './registration.js';
import type { EvaluationStage, FamilyResult, FinalModel, PipelineResult } from './results.js';
import { cell, compareCoordinates } from './family-search.js';
import { searchFamilyTask } from './family-task.js';
import { conformalTask, embedTask, evaluateTask, explainTask } from './evaluation-tasks.js';
import { cached, modelsCode } from './pipeline-cache.js';
import { checkOverrides, withOverrides } from './task-overrides.js';
import { crossValidateVote } from './vote-cv.js';
import {
  applySplit,
  splitOptions,
  splitRows,
  stratifiedSample,
  type SplitOptions,
  type SplitRows,
  type Splits,
} from './splits.js';

/**
 * The key of a CSV task: the file's bytes, not its name, decide the cache entry (and the code
 * that parses it).
 */
function csvKey(ctx: { hash(value: unknown): string }, args: readonly unknown[]): string {
  const [path, ...options] = args as [string, ...unknown[]];
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  return ctx.hash([modelsCode.digest(), bytes, ...options]);
}

/** Options of {@link ClusteringPipeline}. */
export interface ClusteringPipelineOptions {
  /**
   * The runner of the family searches (the `searchFamily` task of each family's subflow), e.g. a
   * `WorkerPoolTaskRunner` so the five searches run in parallel on worker threads; the caller owns
   * it (and closes it). `tideflow run clustering` passes a pool of `--workers` threads.
   *
   * @default the flow's runner: in-process
   */
  taskRunner?: TaskRunner;
}

/**
 * The clustering-classification project as tideflow flows: generate or load data, choose the
 * features, search every model family in parallel subflows, calibrate, evaluate, build conformal
 * sets, explain, embed, register the model and write an HTML report. Every step is a cached task,
 * so an identical rerun is all cache hits and a changed grid reruns only what depends on it.
 *
 * @example
 * ```ts
 * const config = await resolvePipelineConfig({ set: ['data.dim=2'] });
 * const result = await new ClusteringPipeline().run(config);
 * console.log(result.model, result.testAccuracy);
 * ```
 */
export class ClusteringPipeline {
  private overrides: Record<string, TaskOverride> = {};
  private readonly taskRunner?: TaskRunner;

  constructor(options: ClusteringPipelineOptions = {}) {
    this.taskRunner = options.taskRunner;
  }

  // ---- data -------------------------------------------------------------------------------

  /** Generates Gaussian clusters (`makeBlobs`). */
  @task({ cache: cached })
  async generateData(config: PipelineConfig['data']): Promise<Dataset> {
    const blobs = makeBlobs({
      n: config.n,
      dim: config.dim,
      k: config.k,
      std: config.std,
      centerBox: [config.centerBox[0], config.centerBox[1]],
      seed: config.seed,
    });
    const featureNames = ['x', 'y', 'z'].slice(0, config.dim);
    return { X: blobs.X, y: blobs.y, featureNames, classNames: blobs.classNames };
  }

  /**
   * Reads a CSV file; cached by the file's contents. A test file passes the training data's
   * class and feature names: its columns are matched by header name.
   */
  @task({ cache: { key: csvKey } })
  async loadCsv(
    path: string,
    label: string | null,
    classNames: readonly string[] | null,
    featureNames: readonly string[] | null = null,
  ): Promise<Dataset> {
    return parseCsv(await readDataFile(path), {
      label: label ?? undefined,
      classNames: classNames ?? undefined,
      featureNames: featureNames ?? undefined,
      source: path,
    });
  }

  /**
   * Splits into train / calibration / conformal / test, stratified. Returns row indices, so the
   * cache holds the data once (as the loading task's result), not a second time as its parts.
   */
  @task({ cache: cached })
  async split(data: Dataset, test: Dataset | null, options: SplitOptions): Promise<SplitRows> {
    return splitRows(data, test, options);
  }

  /** Stage 1: the data. */
  @flow({ name: 'clustering.data' })
  async prepareData(config: PipelineConfig): Promise<Splits> {
    const data = config.data;
    let all: Dataset;
    let test: Dataset | null = null;
    if (data.source === 'csv') {
      all = await this.step(this.loadCsv)(data.path!, data.label, null);
      if (data.testPath)
        test = await this.step(this.loadCsv)(
          data.testPath,
          data.label,
          all.classNames,
          all.featureNames,
        );
    } else {
      all = await this.step(this.generateData)(data);
    }
    const splits = applySplit(
      all,
      test,
      await this.step(this.split)(all, test, splitOptions(config)),
    );
    track.params({
      rows: all.X.rows + (test?.X.rows ?? 0),
      features: all.X.cols,
      classes: all.classNames.length,
      train_rows: splits.train.X.rows,
      test_rows: splits.test.X.rows,
    });
    return splits;
  }

  // ---- features ---------------------------------------------------------------------------

  /**
   * Compares cartesian and polar/spherical features by CV of a reference model (kNN, k = 15, on
   * standardised features) on a sample of the training split.
   */
  @task({ cache: cached })
  async compareCoordinates(
    train: Dataset,
    search: PipelineConfig['search'],
  ): Promise<{ cartesian: number; polar: number }> {
    return compareCoordinates(train, search);
  }

  /** Stage 2: the features. */
  @flow({ name: 'clustering.features' })
  async engineerFeatures(train: Dataset, config: PipelineConfig): Promise<FeaturePlan> {
    const f = config.features;
    checkPlan(f, train.X.cols);
    let coordinates: 'cartesian' | 'polar' = f.coordinates === 'polar' ? 'polar' : 'cartesian';
    let coordinateScores: FeaturePlan['coordinateScores'];
    if (f.coordinates === 'auto' && supportsPolar(train.X.cols)) {
      coordinateScores = await this.step(this.compareCoordinates)(train, config.search);
      coordinates = coordinateScores.polar > coordinateScores.cartesian ? 'polar' : 'cartesian';
      track.metrics({ cv_cartesian: coordinateScores.cartesian, cv_polar: coordinateScores.polar });
    }
    track.params({ coordinates, derived: f.derived, selection: f.selection });
    return {
      coordinates,
      derived: f.derived,
      selection: f.selection,
      k: f.k,
      fdrLevel: f.fdrLevel,
      scale: f.scale,
      seed: config.search.seed,
      coordinateScores,
    };
  }

  // ---- model search -----------------------------------------------------------------------

  /** One family's search as a subflow: the search task, then its CV table and chart as artifacts. */
  @flow({ name: 'clustering.search.family' })
  async searchOne(
    family: ModelFamily,
    train: Dataset,
    plan: FeaturePlan,
    config: PipelineConfig,
  ): Promise<FamilyResult> {
    // Submitted, so that it runs on the flow's task runner (a worker pool when the pipeline has one).
    const result = await asTask(this.step(searchFamilyTask)).submit(
      family,
      config.models[family],
      train,
      plan,
      config.search,
    );
    track.params({ family, ...prefixKeys('best', result.bestParams) });
    track.metrics({ cv_score: result.cvScore, cv_std: result.cvStd });
    await track.table(result.cvTable, {
      key: `cv-results-${family}`,
      description: `CV results of ${result.label}`,
    });
    return result;
  }

  /** Stage 3: every enabled family, searched in parallel subflows. */
  @flow({ name: 'clustering.search' })
  async searchModels(
    train: Dataset,
    plan: FeaturePlan,
    config: PipelineConfig,
  ): Promise<FamilyResult[]> {
    const families = modelFamilies().filter((f) => config.models[f].enabled);
    const searchOne = this.taskRunner
      ? asFlow(this.searchOne).with({ taskRunner: this.taskRunner })
      : asFlow(this.searchOne);
    const results = await Promise.all(
      families.map((f) => searchOne.submit(f, train, plan, config)),
    );
    for (const r of results) track.metric(`cv_score_${r.family}`, r.cvScore);
    await track.image(
      cvScoreChart({
        title: `Cross-validation ${config.search.scoring} per fold`,
        models: results.map((r) => ({ name: r.family, scores: r.foldScores })),
        yLabel: config.search.scoring,
      }),
      { key: 'cv-scores', description: 'Fold scores of each family’s best candidate' },
    );
    return results;
  }

  // ---- final model and evaluation ---------------------------------------------------------

  /**
   * Chooses the final model: the best family, or a soft vote of the top ones (cross-validated on
   * the search folds of `train` for its own CV score); calibrated on the calibration split.
   */
  @task({ cache: cached })
  async finalizeModel(
    results: FamilyResult[],
    train: Dataset,
    calibration: Dataset,
    config: PipelineConfig,
  ): Promise<FinalModel> {
    const ranked = [...results].sort((a, b) => b.cvScore - a.cvScore);
    const method = config.calibration.method;
    if (config.strategy === 'best' || ranked.length === 1) {
      const best = ranked[0];
      const calibrated = calibrate(best.model, calibration, method, config.search.seed);
      return {
        name: best.family,
        members: [best.family],
        model: calibrated.model,
        cvScore: best.cvScore,
        cvStd: best.cvStd,
        calibration: calibrated.method,
      };
    }
    const top = ranked.slice(0, Math.min(config.voting.top, ranked.length));
    const cv = crossValidateVote(top, train, config);
    const members = top.map((r) => ({
      family: r.family,
      ...calibrate(r.model, calibration, method, config.search.seed),
    }));
    const voting = new VotingClassifier({
      estimators: members.map((m) => ({ name: m.family, estimator: m.model })),
      voting: 'soft',
      prefit: true,
    }).fit(calibration.X, calibration.y);
    return {
      name: `voting(${top.map((r) => r.family).join('+')})`,
      members: top.map((r) => r.family),
      model: voting,
      cvScore: cv.score,
      cvStd: cv.std,
      calibration: members.map((m) => `${m.family}: ${m.method}`).join(', '),
    };
  }

  /** Renders the report's charts and the self-contained HTML report. */
  @task({ cache: cached })
  async renderReport(input: ReportInput): Promise<{ html: string; charts: ReportCharts }> {
    const charts = renderCharts(input);
    return { html: renderReport(input, charts), charts };
  }

  /** Stage 4: choose, calibrate, evaluate, explain and build conformal sets. */
  @flow({ name: 'clustering.evaluate' })
  async evaluateStage(
    results: FamilyResult[],
    splits: Splits,
    config: PipelineConfig,
  ): Promise<EvaluationStage> {
    const final = await this.step(this.finalizeModel)(
      results,
      splits.train,
      splits.calibration,
      config,
    );
    const withTsne = config.tsne.enabled && splits.test.X.cols >= 3 && splits.test.X.rows >= 10;
    // The longest first (t-SNE, then the explanations), so that on a pool of workers the short
    // ones fill in beside them rather than delay them.
    const [embedding, explanations, scores, conformal] = await Promise.all([
      withTsne ? asTask(this.step(embedTask)).submit(splits.test, config.tsne) : null,
      asTask(this.step(explainTask)).submit(final, splits.test, splits.train, config.explain),
      asTask(this.step(evaluateTask)).submit(final, results, splits.test),
      asTask(this.step(conformalTask)).submit(
        final,
        splits.conformal,
        splits.test,
        config.conformal,
      ),
    ]);
    const m = scores.evaluation.metrics;
    track.metrics({
      test_accuracy: m.accuracy,
      test_log_loss: m.logLoss,
      conformal_coverage: conformal.coverage,
    });
    return { final, ...scores, explanations, conformal, embedding };
  }

  // ---- the whole run ----------------------------------------------------------------------

  /** The whole pipeline: one tracked flow run with a child run per stage and per family. */
  @flow({ name: 'clustering' })
  async run(config: PipelineConfig): Promise<PipelineResult> {
    this.overrides = checkOverrides(config.tasks);
    checkDataFiles(config.data);
    const splits = await this.prepareData(config);
    // On the top-level run, so that one search (datasets.digest = '…') finds the runs that used them.
    await logDataInputs(splits, config);
    const plan = await this.engineerFeatures(splits.train, config);
    const results = await this.searchModels(splits.train, plan, config);
    const evaluateStage = this.taskRunner
      ? asFlow(this.evaluateStage).with({ taskRunner: this.taskRunner })
      : this.evaluateStage;
    const stage = await evaluateStage.call(this, results, splits, config);
    const m = stage.evaluation.metrics;
    track.metrics({
      cv_score: stage.final.cvScore,
      test_accuracy: m.accuracy,
      test_balanced_accuracy: m.balancedAccuracy,
      test_f1_macro: m.f1Macro,
      test_log_loss: m.logLoss,
      test_brier: m.brier,
      test_roc_auc: m.rocAuc,
      conformal_coverage: stage.conformal.coverage,
      conformal_mean_size: stage.conformal.meanSize,
    });
    track.tag('model', stage.final.name);
    const view = this.view(stage, splits, config);
    const { html: rendered, charts } = await this.step(this.renderReport)({
      config,
      data: {
        featureNames: splits.train.featureNames,
        classNames: splits.train.classNames,
        sizes: {
          train: splits.train.X.rows,
          calibration: splits.calibration.X.rows,
          conformal: splits.conformal.X.rows,
          test: splits.test.X.rows,
        },
      },
      plan,
      families: results.map((r) => {
        const t = stage.familyMetrics.find((f) => f.family === r.family)!;
        return {
          family: r.family,
          label: r.label,
          cvScore: r.cvScore,
          cvStd: r.cvStd,
          foldScores: r.foldScores,
          bestParams: r.bestParams,
          seconds: r.seconds,
          testAccuracy: t.accuracy,
          testLogLoss: t.logLoss,
          reliability: t.reliability,
        };
      }),
      final: {
        name: stage.final.name,
        members: stage.final.members,
        calibration: stage.final.calibration,
        cvScore: stage.final.cvScore,
        cvStd: stage.final.cvStd,
      },
      evaluation: stage.evaluation,
      explanations: stage.explanations,
      conformal: stage.conformal,
      view,
      pca: splits.test.X.cols > 3 ? this.pcaView(splits, config) : undefined,
    });
    const registration = await this.registerModel(stage, splits, config);
    // Added after the cached rendering, so that an identical rerun's report still comes from the cache.
    const html = withRunDetails(rendered, {
      runId: track.runId() ?? null,
      date: new Date(),
      source: dataSource(config),
      registry:
        registration &&
        `model ${registration.name} v${registration.version}: ${registration.summary}`,
    });
    // Plots and tables leave the pipeline as artifacts of the run; the model as a registered version.
    await Promise.all([
      track.artifact('report.html', html),
      ...(Object.entries(charts) as [string, string | undefined][]).map(([key, svg]) =>
        svg
          ? track.image(svg, { key: `chart-${key}`, description: `${key} chart of the report` })
          : undefined,
      ),
      track.table(
        {
          columns: ['family', 'cv_score', 'cv_std', 'test_accuracy', 'test_log_loss'],
          rows: results.map((r) => {
            const t = stage.familyMetrics.find((f) => f.family === r.family)!;
            return [r.family, cell(r.cvScore), cell(r.cvStd), cell(t.accuracy), cell(t.logLoss)];
          }),
        },
        { key: 'models', description: 'CV and test scores of every family' },
      ),
    ]);
    return {
      runId: track.runId(),
      model: stage.final.name,
      members: stage.final.members,
      calibration: stage.final.calibration,
      cvScore: stage.final.cvScore,
      testAccuracy: m.accuracy,
      testLogLoss: m.logLoss,
      conformalCoverage: stage.conformal.coverage,
      conformalMeanSize: stage.conformal.meanSize,
      report: 'report.html',
      families: results.map((r) => {
        const t = stage.familyMetrics.find((f) => f.family === r.family)!;
        return {
          family: r.family,
          cvScore: r.cvScore,
          testAccuracy: t.accuracy,
          testLogLoss: t.logLoss,
        };
      }),
      features: plan,
      evaluation: stage.evaluation,
      conformal: stage.conformal,
      explanations: stage.explanations,
      registration,
      html,
    };
  }

  /**
   * Logs the final model and registers it under its data signature's name; `champion` moves only
   * to a version with a strictly better test accuracy than the champion's, or when promoted.
   */
  private async registerModel(
    stage: EvaluationStage,
    splits: Splits,
    config: PipelineConfig,
  ): Promise<Registration | null> {
    const m = stage.evaluation.metrics;
    const signature = modelSignature(splits.train.featureNames, splits.train.classNames);
    const name = registeredModelName(signature, config.registry.name);
    const out = await track.model(stage.final.model, {
      name: 'model',
      flavor: 'tideflow.models',
      signature,
      metrics: {
        cv_score: stage.final.cvScore,
        test_accuracy: m.accuracy,
        test_log_loss: m.logLoss,
      },
      register: {
        name,
        alias: CHAMPION_ALIAS,
        description: `${stage.final.name}, ${stage.final.calibration} calibration, trained on ${dataSource(config)}`,
        tags: versionTags({
          signature,
          dataSource: dataSource(config),
          trainDigest: datasetDigest(splits.train),
          testDigest: datasetDigest(splits.test),
          model: stage.final.name,
          calibration: stage.final.calibration,
        }),
        challenge: { metric: CHAMPION_METRIC, force: config.registry.promote },
      },
    });
    if (!out?.version || !out.alias) return null;
    return {
      name,
      version: out.version.version,
      champion: out.alias,
      summary: describeChampion(out.alias),
    };
  }

  /** The report's 2D view: the test data itself for 2 features (with decision regions), else the t-SNE embedding. */
  private view(
    stage: EvaluationStage,
    splits: Splits,
    config: PipelineConfig,
  ): ReportInput['view'] {
    if (splits.test.X.cols === 2) {
      return {
        points: stratifiedSample(splits.test, config.tsne.sample, config.tsne.seed),
        kind: 'data',
        model: stage.final.model,
      };
    }
    return stage.embedding ? { points: stage.embedding, kind: 'tsne' } : undefined;
  }

  /** The PCA view of data with more than 3 features: a standardised stratified test sample on its first two components. */
  private pcaView(splits: Splits, config: PipelineConfig): ReportInput['pca'] {
    const sample = stratifiedSample(splits.test, config.tsne.sample, config.tsne.seed);
    const scaled = new StandardScaler().fit(sample.X).transform(sample.X);
    const { embedding, explained } = pcaProjection(scaled);
    return {
      points: { ...sample, X: embedding, featureNames: ['PC 1', 'PC 2'] },
      explained: [...explained],
    };
  }

  /** The callable of a step with the configuration's overrides for its task name applied. */
  private step<F extends (...args: never[]) => unknown>(method: F): F {
    return withOverrides(method, this.overrides);
  }
}

function prefixKeys(prefix: string, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}_${k}`, v]));
}
