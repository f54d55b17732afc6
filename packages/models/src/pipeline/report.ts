import type { Dataset } from '../data/dataset.js';
import { denseMatrix } from '../data/matrix.js';
import type { Classifier } from '../estimators/classifier.js';
import { confusionMatrixPlot } from '../plots/confusion.js';
import { cvScoreChart } from '../plots/cv-scores.js';
import { importanceBarChart } from '../plots/importance.js';
import { reliabilityDiagram } from '../plots/reliability.js';
import { scatterPlot } from '../plots/scatter.js';
import { setSizeHistogram } from '../plots/set-size.js';
import { shapSummaryPlot } from '../plots/shap-summary.js';
import { PIPELINE_SCHEMA, type PipelineConfig } from './config.js';
import { leaves } from './config-schema.js';
import {
  FAMILY_TEST_ROWS,
  explanationReductions,
  type ConformalReport,
  type Evaluation,
  type Explanations,
} from './evaluation.js';
import type { FeaturePlan } from './features-plan.js';

/** Everything the report shows. */
export interface ReportInput {
  /** The configuration. */
  readonly config: PipelineConfig;
  /** The data's feature and class names and split sizes. */
  readonly data: {
    featureNames: readonly string[];
    classNames: readonly string[];
    sizes: Record<string, number>;
  };
  /** The feature plan. */
  readonly plan: FeaturePlan;
  /** Per family: CV score and std, fold scores, best params, seconds, test accuracy and log loss, reliability. */
  readonly families: readonly {
    family: string;
    label: string;
    cvScore: number;
    cvStd: number;
    foldScores: readonly number[];
    bestParams: Record<string, unknown>;
    seconds: number;
    testAccuracy: number;
    testLogLoss: number;
    reliability: Evaluation['reliability'];
  }[];
  /** The final model: its name, member families (one unless it votes), calibration and its own CV score and std. */
  readonly final: {
    name: string;
    members?: readonly string[];
    calibration: string;
    cvScore: number;
    cvStd?: number;
  };
  /** Its evaluation. */
  readonly evaluation: Evaluation;
  /** Its explanations. */
  readonly explanations: Explanations;
  /** Its conformal sets. */
  readonly conformal: ConformalReport;
  /** The 2D view: the data itself (2 features, with the model's decision regions) or a t-SNE embedding. */
  readonly view?: { points: Dataset; kind: 'data' | 'tsne'; model?: Classifier };
  /** A PCA view (data with more than 3 features): a test sample on its first two components. */
  readonly pca?: { points: Dataset; explained: readonly number[] };
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cell = (v: string | number) =>
    `<td${typeof v === 'number' ? ' class="num"' : ''}>${typeof v === 'number' ? f4(v) : esc(v)}</td>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const figure = (svg: string, caption: string): string =>
  `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1280px;padding:0 1rem;color:#1f2933}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d9e2ec;padding-bottom:.3rem}
.meta{color:#52606d;font-size:.9rem}.cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.card{border:1px solid #d9e2ec;border-radius:8px;padding:.7rem 1rem;min-width:150px}.card b{display:block;font-size:1.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border-bottom:1px solid #e4e7eb;padding:.3rem .7rem;text-align:left}
pre.config{columns:3 320px;font-size:.8rem}td.num{text-align:right;font-variant-numeric:tabular-nums}figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}
figcaption{color:#52606d;font-size:.85rem;max-width:600px}svg{max-width:100%;height:auto}`;

/** The configuration as `key.path: value` lines (compact enough to read at a glance). */
function configLines(config: PipelineConfig): string {
  const lines = leaves(PIPELINE_SCHEMA).map(({ key }) => {
    const value = key
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config);
    return `${key}: ${JSON.stringify(value)}`;
  });
  return lines.join('\n');
}

/** The report's charts, as SVG strings by name (also logged as image artifacts of the run). */
export interface ReportCharts {
  /** Fold scores of each family. */
  readonly cvScores: string;
  /** Row-normalised confusion matrix of the final model. */
  readonly confusion: string;
  /** Reliability of the final model and of each family. */
  readonly reliability: string;
  /** Permutation importance. */
  readonly permutation: string;
  /** Mean |SHAP| importance. */
  readonly shapImportance: string;
  /** SHAP summary. */
  readonly shapSummary: string;
  /** Conformal set sizes. */
  readonly setSizes: string;
  /** The 2D view (data with decision regions, or t-SNE), when there is one. */
  readonly view?: string;
  /** The PCA view, for data with more than 3 features. */
  readonly pca?: string;
}

/** Renders every chart of the report. */
export function renderCharts(r: ReportInput): ReportCharts {
  const classNames = r.data.classNames;
  const k = classNames.length;
  const ex = r.explanations;
  const shap = ex.shap;
  const confusion = Object.assign(denseMatrix(k, k, Float64Array.from(r.evaluation.confusion)), {
    labels: Int32Array.from(classNames, (_, i) => i),
  });
  const viewChart = (): string | undefined => {
    if (!r.view) return undefined;
    const { points, kind, model } = r.view;
    return scatterPlot({
      title:
        kind === 'tsne'
          ? 't-SNE embedding (2D) of a test sample'
          : 'Test data with the model’s decision regions',
      points: points.X,
      labels: points.y,
      classNames,
      xLabel: kind === 'tsne' ? 't-SNE 1' : points.featureNames[0],
      yLabel: kind === 'tsne' ? 't-SNE 2' : points.featureNames[1],
      regions: model ? { predict: (X) => model.predict(X) } : undefined,
    });
  };
  return {
    cvScores: cvScoreChart({
      title: `Cross-validation ${r.config.search.scoring} per fold`,
      models: r.families.map((f) => ({ name: f.family, scores: f.foldScores })),
      yLabel: r.config.search.scoring,
    }),
    confusion: confusionMatrixPlot({
      title: 'Confusion matrix (row-normalised)',
      matrix: confusion,
      classNames,
      normalize: true,
    }),
    reliability: reliabilityDiagram({
      title: 'Reliability of the top-label probability',
      curves: [
        { name: `final: ${r.final.name}`, ...r.evaluation.reliability },
        ...r.families.map((f) => ({ name: `${f.family} (uncalibrated)`, ...f.reliability })),
      ],
      xLabel: 'mean predicted probability',
      yLabel: 'fraction correct',
    }),
    permutation: importanceBarChart({
      title: 'Permutation importance (accuracy drop)',
      featureNames: ex.features,
      series: [{ name: 'permutation', values: ex.permutation.mean, errors: ex.permutation.std }],
    }),
    shapImportance: importanceBarChart({
      title: `Mean |SHAP| (${ex.shapAlgorithm})`,
      featureNames: ex.features,
      series: [{ name: 'mean |φ|', values: ex.shapMean }],
      xLabel: 'mean |φ| of the class probabilities',
    }),
    shapSummary: shapSummaryPlot({
      title: 'SHAP summary (predicted class)',
      explanation: shap.explanation,
      X: shap.rows,
      featureNames: ex.features,
      classNames,
    }),
    setSizes: setSizeHistogram({
      title: 'Prediction set sizes',
      series: [
        { name: `${r.conformal.method}, α = ${r.conformal.alpha}`, sizes: r.conformal.sizes },
      ],
      maxSize: k,
    }),
    view: viewChart(),
    pca: r.pca
      ? scatterPlot({
          title: 'Principal components (2D) of a test sample',
          points: r.pca.points.X,
          labels: r.pca.points.y,
          classNames,
          xLabel: `PC 1 (${(100 * r.pca.explained[0]).toFixed(1)}% of variance)`,
          yLabel: `PC 2 (${(100 * r.pca.explained[1]).toFixed(1)}% of variance)`,
        })
      : undefined,
  };
}

/** The self-contained HTML report: metrics, tables and inline SVG plots; no server or network needed. */
export function renderReport(r: ReportInput, charts: ReportCharts = renderCharts(r)): string {
  const m = r.evaluation.metrics;
  const classNames = r.data.classNames;
  const k = classNames.length;
  const ex = r.explanations;
  const vote = (r.final.members?.length ?? 1) > 1;
  const cards = [
    ['model', r.final.name],
    [vote ? 'CV score of the vote' : 'CV score', f4(r.final.cvScore)],
    ['test accuracy', f4(m.accuracy)],
    ['test log loss', f4(m.logLoss)],
    [`conformal coverage (1−α = ${1 - r.conformal.alpha})`, f4(r.conformal.coverage)],
    ['mean set size', r.conformal.meanSize.toFixed(2)],
  ]
    .map(([label, value]) => `<div class="card">${esc(label)}<b>${esc(value)}</b></div>`)
    .join('');
  const sections = [
    `<h2>Models</h2>`,
    table(
      [
        'model',
        `CV ${r.config.search.scoring}`,
        'CV std',
        'test accuracy',
        'test log loss',
        'best parameters',
        'search seconds',
      ],
      [
        ...(vote
          ? [
              [
                `soft vote of ${r.final.members!.join(', ')} (calibrated)`,
                r.final.cvScore,
                r.final.cvStd ?? '',
                m.accuracy,
                m.logLoss,
                'the members’',
                '',
              ],
            ]
          : []),
        ...[...r.families]
          .sort((a, b) => b.cvScore - a.cvScore)
          .map((f) => [
            f.label,
            f.cvScore,
            f.cvStd,
            f.testAccuracy,
            f.testLogLoss,
            JSON.stringify(f.bestParams),
            f.seconds,
          ]),
      ],
    ),
    ...(r.data.sizes.test > FAMILY_TEST_ROWS
      ? [
          `<p>Each family's test columns are measured on a stratified sample of ${FAMILY_TEST_ROWS} of the ${r.data.sizes.test} test rows; the final model's on all of them.</p>`,
        ]
      : []),
    ...(vote
      ? [
          `<p>The vote's CV score is its own: the soft vote of its members, each with its tuned parameters, refitted and scored on the same ${r.config.search.folds} folds as the search (before calibration, which is fitted on its own split).</p>`,
        ]
      : []),
    figure(
      charts.cvScores,
      `Fold scores of each family's best candidate (${r.config.search.folds}-fold stratified CV).`,
    ),
    `<h2>Features</h2><p>Coordinates: <b>${esc(r.plan.coordinates === 'polar' ? (r.data.featureNames.length === 2 ? 'polar' : 'spherical') : 'cartesian')}</b>${
      r.plan.coordinateScores
        ? ` (CV ${esc(r.config.search.scoring)}: cartesian ${f4(r.plan.coordinateScores.cartesian)}, polar ${f4(r.plan.coordinateScores.polar)})`
        : ''
    }; derived features: ${r.plan.derived ? 'yes' : 'no'}; selection: ${esc(r.plan.selection)}; scaling: ${r.plan.scale ? 'standard' : 'none'}.</p>`,
    `<h2>Test performance of ${esc(r.final.name)}</h2>`,
    table(
      ['metric', 'value'],
      [
        ['accuracy', m.accuracy],
        ['balanced accuracy', m.balancedAccuracy],
        ['precision (macro)', m.precisionMacro],
        ['recall (macro)', m.recallMacro],
        ['F1 (macro)', m.f1Macro],
        ['F1 (weighted)', m.f1Weighted],
        ['log loss', m.logLoss],
        ['Brier score', m.brier],
        ['ROC AUC (one-vs-rest, macro)', m.rocAuc],
      ],
    ),
    table(
      ['class', 'precision', 'recall', 'F1', 'support'],
      classNames.map((c, i) => [
        c,
        r.evaluation.perClass.precision[i],
        r.evaluation.perClass.recall[i],
        r.evaluation.perClass.f1[i],
        String(r.evaluation.perClass.support[i]),
      ]),
    ),
    figure(charts.confusion, 'Rows are true classes; the diagonal is each class’s recall.'),
    figure(charts.reliability, 'Closer to the diagonal is better calibrated.'),
    `<h2>Feature importance</h2>`,
    ...explanationReductions(ex.budget).map((s) => `<p class="note">${esc(s)}</p>`),
    figure(
      charts.permutation,
      `Mean drop of test accuracy when a feature is shuffled (${ex.budget.permutation.repeats} repeats; bars show ± one std).`,
    ),
    figure(
      charts.shapImportance,
      'Global importance: mean absolute Shapley value, averaged over classes.',
    ),
    figure(
      charts.shapSummary,
      'Each point is one test row: its Shapley value for the predicted class, coloured by the feature value.',
    ),
    `<h3>Local explanations</h3>`,
    ex.local.length === 0
      ? `<p>None: <code>explain.localRows</code> is ${r.config.explain.localRows}.</p>`
      : table(
          ['row', ...ex.features, 'true', 'predicted', 'E[f]', ...ex.features.map((f) => `φ ${f}`)],
          ex.local.map((l, i) => [
            String(i + 1),
            ...l.x,
            classNames[l.label] ?? String(l.label),
            classNames[l.predicted] ?? String(l.predicted),
            l.base,
            ...l.phi,
          ]),
        ),
    `<h2>Conformal prediction sets</h2><p>Method <b>${esc(r.conformal.method)}</b>, α = ${r.conformal.alpha}: coverage ${f4(r.conformal.coverage)} (target ≥ ${1 - r.conformal.alpha}), mean set size ${r.conformal.meanSize.toFixed(3)}.</p>`,
    figure(charts.setSizes, 'How many classes each test row’s set contains.'),
  ];
  if (r.view) {
    const { kind } = r.view;
    sections.push(
      `<h2>${kind === 'tsne' ? 't-SNE view of the test data' : 'The data and decision regions'}</h2>`,
      figure(
        charts.view!,
        kind === 'tsne'
          ? `Points coloured by true class; nearby points were near in the ${r.data.featureNames.length}-feature space.`
          : 'Background: the predicted class over the plane.',
      ),
    );
  }
  if (charts.pca) {
    sections.push(
      `<h2>Principal components of the test data</h2>`,
      figure(
        charts.pca,
        'Standardised features projected on their first two principal components.',
      ),
    );
  }
  const sizes = Object.entries(r.data.sizes)
    .map(([name, n]) => `${esc(name)} ${n}`)
    .join(', ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tideflow report — ${esc(r.final.name)}</title><style>${STYLE}</style></head><body>
<h1>Clustering-classification report</h1>
<p class="meta">${r.data.featureNames.length} features (${esc(r.data.featureNames.join(', '))}), ${k} classes · rows: ${sizes}</p>
<div class="cards">${cards}</div>
${sections.join('\n')}
<h2>Configuration</h2><pre class="config">${esc(configLines(r.config))}</pre>
</body></html>
`;
}

/** Where a run's data came from, for the report: the CSV files, or the generated clusters' settings. */
export function dataSource(config: PipelineConfig): string {
  const d = config.data;
  if (d.source === 'csv') return `${d.path}${d.testPath ? ` (test: ${d.testPath})` : ''}`;
  return `makeBlobs: n ${d.n}, dim ${d.dim}, k ${d.k}, std ${d.std}, seed ${d.seed}`;
}

/** The report with the run's id, date, data source and registered model (what `champion` did) under its title. */
export function withRunDetails(
  html: string,
  details: { runId: string | null; date: Date; source: string; registry?: string | null },
): string {
  const registry = details.registry
    ? `\n<p class="meta">registry: ${esc(details.registry)}</p>`
    : '';
  const line = `<p class="meta">run ${esc(details.runId ?? '(not tracked)')} · ${esc(details.date.toISOString())} · data: ${esc(details.source)}</p>${registry}`;
  return html.replace('</h1>\n', `</h1>\n${line}\n`);
}
