import { InvalidParameterError } from '../errors.js';
import type { TreeArrays, TreeGrowOptions } from './tree-builder.js';
import { toFloat64, toInt32 } from './base.js';
import { checkChoice, checkNumber } from './param-checks.js';

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

/** Validates the shared tree hyper-parameters. */
export function checkTreeParams(name: string, p: TreeParams): void {
  checkChoice(name, 'criterion', p.criterion, ['gini', 'entropy']);
  checkNumber(name, 'maxDepth', p.maxDepth, { min: 1, integer: true, optional: true });
  checkNumber(name, 'minSamplesSplit', p.minSamplesSplit, { min: 2, integer: true });
  checkNumber(name, 'minSamplesLeaf', p.minSamplesLeaf, { min: 1, integer: true });
  checkNumber(name, 'seed', p.seed);
  const mf = p.maxFeatures;
  if (mf !== null && mf !== 'sqrt' && mf !== 'log2') {
    checkNumber(name, 'maxFeatures', mf, { min: 0, exclusiveMin: true });
    if (mf > 1 && !Number.isInteger(mf)) {
      throw new InvalidParameterError(
        name,
        'maxFeatures',
        `must be an integer count, a fraction in (0, 1], 'sqrt', 'log2' or null; got ${mf}.`,
      );
    }
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
