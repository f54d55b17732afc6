import { InvalidParameterError } from '../errors.js';
import type { TreeArrays, TreeGrowOptions } from './tree-builder.js';
import { toFloat64, toInt32 } from './base.js';
import type { ParamSpecs } from './param-spec.js';

/** How many features a split examines: a count, a fraction of them, `sqrt`, `log2`, or all (`null`). */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

/** Hyper-parameters shared by the tree estimators (scikit-learn's names in camelCase). */
export interface TreeParams {
  /** Split quality measure. Default `gini`. */
  criterion: 'gini' | 'entropy';
  /** Deepest level, or `null` (default) to grow until leaves are pure or too small. */
  maxDepth: number | null;
  /** Fewest rows a node needs to be split. Default 2. */
  minSamplesSplit: number;
  /** Fewest rows each leaf keeps. Default 1. */
  minSamplesLeaf: number;
  /** Features examined per split. */
  maxFeatures: MaxFeatures;
  /** Seed of the feature draws (and bootstrap samples). Default 0. */
  seed: number;
}

/**
 * The declarations of the shared tree hyper-parameters; `maxFeatures` defaults to
 * `maxFeaturesDefault` (all features for a single tree, `sqrt` for a forest).
 */
export function treeParamSpecs(maxFeaturesDefault: MaxFeatures): ParamSpecs<TreeParams> {
  return {
    criterion: {
      kind: 'choice',
      values: ['gini', 'entropy'],
      default: 'gini',
      doc: 'Split quality measure.',
    },
    maxDepth: {
      kind: 'number',
      integer: true,
      min: 1,
      nullable: true,
      default: null,
      doc: 'Maximum tree depths (null = unlimited).',
    },
    minSamplesSplit: {
      kind: 'number',
      integer: true,
      min: 2,
      default: 2,
      doc: 'Fewest rows a node needs to be split.',
    },
    minSamplesLeaf: {
      kind: 'number',
      integer: true,
      min: 1,
      default: 1,
      doc: 'Minimum samples per leaf.',
    },
    maxFeatures: {
      kind: 'number',
      min: 0,
      exclusiveMin: true,
      nullable: true,
      named: ['sqrt', 'log2'],
      default: maxFeaturesDefault,
      doc: 'Features examined per split.',
      check: checkMaxFeatures,
    },
    seed: { kind: 'number', default: 0, doc: 'Seed of the feature draws.' },
  };
}

function checkMaxFeatures(estimator: string, name: string, mf: MaxFeatures): void {
  if (typeof mf === 'number' && mf > 1 && !Number.isInteger(mf)) {
    throw new InvalidParameterError(
      estimator,
      name,
      `must be an integer count, a fraction in (0, 1], 'sqrt', 'log2' or null; got ${mf}.`,
    );
  }
}

/** The growth options of the tree parameters for `d` features. */
export function growOptions(p: TreeParams, d: number): TreeGrowOptions {
  const mf = p.maxFeatures;
  const maxFeatures =
    mf === null
      ? d
      : mf === 'sqrt'
        ? Math.max(1, Math.floor(Math.sqrt(d)))
        : mf === 'log2'
          ? Math.max(1, Math.floor(Math.log2(d)))
          : mf <= 1 && !Number.isInteger(mf)
            ? Math.max(1, Math.floor(mf * d))
            : Math.min(d, mf === 1 ? 1 : mf);
  return {
    criterion: p.criterion,
    maxDepth: p.maxDepth ?? Infinity,
    minSamplesSplit: p.minSamplesSplit,
    minSamplesLeaf: p.minSamplesLeaf,
    maxFeatures,
  };
}

/** A tree from its stored form (possibly JSON-parsed). */
export function decodeTree(t: unknown): TreeArrays {
  const r = t as Record<string, unknown>;
  return {
    nodeCount: Number(r.nodeCount),
    feature: toInt32(r.feature),
    threshold: toFloat64(r.threshold),
    left: toInt32(r.left),
    value: toFloat64(r.value),
  };
}
