// ---
// jupyter:
//   jupytext:
//     text_representation:
//       extension: .ts
//       format_name: percent
//       format_version: '1.3'
//   kernelspec:
//     display_name: TypeScript
//     language: typescript
//     name: tslab
// ---

// %% [markdown]
// # The clustering pipeline in a notebook
//
// Runs tideflow's clustering pipeline on generated 2D clusters, in a small configuration that
// finishes in seconds, then shows its summary table and two of its charts. This script and
// `clustering.ipynb` are one notebook: `tideflow notebook sync clustering.ts` brings the
// `.ipynb` up to date and keeps its outputs. The test suite runs `clustering.ipynb` as a
// notebook task, with other parameters.

// %% tags=["parameters"]
const samples = 600;
const clusters = 3;
const folds = 3;

// %%
import {
  ClusteringPipeline,
  confusionMatrixPlot,
  denseMatrix,
  reliabilityDiagram,
  resolvePipelineConfig,
} from '@tideflow/models';
import { MemoryTracker, configure, silentLogger } from '@tideflow/core';
import * as tslab from 'tslab';

// A tracker of its own, in memory, and no log lines in the notebook's outputs.
configure({ tracker: new MemoryTracker(), logger: silentLogger });
const config = await resolvePipelineConfig({
  set: [
    'data.dim=2',
    `data.n=${samples}`,
    `data.k=${clusters}`,
    `search.folds=${folds}`,
    'models.svc.maxSamples=300',
    'explain.shapRows=20',
    'explain.permutationRepeats=2',
  ],
});
const result = await new ClusteringPipeline().run(config);

// %% [markdown]
// ## Summary
//
// Each model family's best cross-validated score and its test metrics; the selected model last.

// %%
const cell = (x: number) => x.toFixed(4);
tslab.display.markdown(
  [
    `${samples} samples in ${clusters} clusters, ${folds}-fold cross-validation.`,
    '',
    '| family | CV score | test accuracy | test log loss |',
    '|---|---:|---:|---:|',
    ...result.families.map(
      (f) =>
        `| ${f.family} | ${cell(f.cvScore)} | ${cell(f.testAccuracy)} | ${cell(f.testLogLoss)} |`,
    ),
    `| **selected: ${result.model}** | ${cell(result.cvScore)} | ${cell(result.testAccuracy)} | ${cell(result.testLogLoss)} |`,
  ].join('\n'),
);

// %% [markdown]
// ## Confusion matrix and reliability of the selected model

// %%
const k = Math.round(Math.sqrt(result.evaluation.confusion.length));
tslab.display.svg(
  confusionMatrixPlot({
    matrix: denseMatrix(k, k, Float64Array.from(result.evaluation.confusion)),
    normalize: true,
    title: `Confusion matrix (${result.model}, test split)`,
  }),
);

// %%
tslab.display.svg(
  reliabilityDiagram({
    curves: [{ name: result.model, ...result.evaluation.reliability }],
    title: 'Reliability (top label, test split)',
  }),
);
