import { conformanceArtifacts } from './conformance-artifacts.js';
import { conformanceChanges } from './conformance-changes.js';
import { conformanceExperimentEdits } from './conformance-experiments.js';
import { conformanceDatasets } from './conformance-datasets.js';
import { conformanceModels } from './conformance-models.js';
import { conformanceRecords } from './conformance-records.js';
import { conformanceRegistryEdits } from './conformance-registry-edits.js';
import { conformanceRuns } from './conformance-runs.js';
import { conformanceSearch } from './conformance-search.js';
import type { Tracker } from './tracker-bridge.js';

/** The assertions the conformance suite uses; vitest's and jest's `expect` provide them. */
export interface ConformanceAssertion {
  /** `Object.is` equality. */
  toBe(expected: unknown): void;
  /** Deep equality. */
  toEqual(expected: unknown): void;
  /** Deep partial equality. */
  toMatchObject(expected: object): void;
  /** The value is `undefined`. */
  toBeUndefined(): void;
  /** The array or string has this length. */
  toHaveLength(length: number): void;
  /** The number is greater. */
  toBeGreaterThan(n: number): void;
  /** The array or string contains the item. */
  toContain(item: unknown): void;
  /** The string matches. */
  toMatch(re: RegExp): void;
  /** The number is NaN. */
  toBeNaN(): void;
  /** The negated assertions. */
  not: ConformanceAssertion;
  /** Assertions on the rejection of a promise. */
  rejects: {
    /** The promise rejects with an error that deep-partially equals `expected`. */
    toMatchObject(expected: object): Promise<void>;
  };
}

/** The test functions the conformance suite needs: vitest's or jest's `describe`, `it`, `expect`. */
export interface ConformanceTestApi {
  /** Declares a group. */
  describe(name: string, fn: () => void): void;
  /** Declares an async test. */
  it(name: string, fn: () => Promise<void>): void;
  /** Starts an assertion. */
  expect(actual: unknown): ConformanceAssertion;
}

/** Makes a fresh, empty tracker for one test; the suite closes it at the end of the test. */
export type TrackerFactory = () => Tracker | Promise<Tracker>;

/** What each part of the suite receives. */
export interface ConformanceContext {
  /** The test API. */
  t: ConformanceTestApi;
  /** Runs `fn` with a fresh tracker and closes it afterwards. */
  withTracker(fn: (tracker: Tracker) => Promise<void>): () => Promise<void>;
}

/**
 * Which groups of {@link trackerConformance} run. Each defaults to `true`; a backend without a
 * feature switches its group off and still runs the rest, as with `@keyv/test-suite`.
 * Experiments, runs, params, metrics, tags and closing always run.
 */
export interface TrackerConformanceOptions {
  /**
   * `searchRuns`: filters, ordering, paging, MLflow parity.
   *
   * @default true
   */
  search?: boolean;
  /**
   * Dataset inputs (`logInputs`, `getRunInputs`) and `datasets.*` search clauses.
   *
   * @default true
   */
  datasets?: boolean;
  /**
   * Files and typed artifacts.
   *
   * @default true
   */
  artifacts?: boolean;
  /**
   * Logged models and the model registry.
   *
   * @default true
   */
  models?: boolean;
  /**
   * Creating, renaming and deleting registered models and deleting versions
   * (`insertRegisteredModel`, `renameRegisteredModel`, `deleteRegisteredModel`,
   * `deleteModelVersion`).
   *
   * @default true
   */
  registryEdits?: boolean;
  /**
   * Flow-run and task-run records and run logs.
   *
   * @default true
   */
  records?: boolean;
  /**
   * Renaming experiments and setting their tags (`updateExperiment`), deleting and restoring
   * them (`setExperimentLifecycle`).
   *
   * @default true
   */
  experimentEdits?: boolean;
  /**
   * The change feed (`readChanges`): records, log lines and metric points after a cursor.
   *
   * @default true
   */
  changes?: boolean;
  /**
   * How many record changes the store's change feed keeps at most before it prunes older ones
   * (a bounded feed). Given, the change-feed group writes more than twice that many and checks
   * that a reader behind is told to resync; omitted, that test does not run.
   */
  changeRetention?: number;
}

/**
 * The behaviour every {@link Tracker} must have, as a test suite to run in the implementation's
 * own tests, like `@keyv/test-suite`. Core does not import a test framework: pass yours.
 *
 * @example
 * ```ts
 * import { describe, it, expect } from 'vitest';
 * import { MemoryTracker } from '@tideflow/core';
 * import { trackerConformance } from '@tideflow/core/testing';
 * trackerConformance({ describe, it, expect }, () => new MemoryTracker());
 * ```
 */
export function trackerConformance(
  t: ConformanceTestApi,
  factory: TrackerFactory,
  options: TrackerConformanceOptions = {},
): void {
  const ctx: ConformanceContext = {
    t,
    withTracker: (fn) => async () => {
      const tracker = await factory();
      try {
        await fn(tracker);
      } finally {
        await tracker.close();
      }
    },
  };
  t.describe('Tracker conformance', () => {
    conformanceRuns(ctx);
    if (options.experimentEdits ?? true) conformanceExperimentEdits(ctx);
    if (options.search ?? true) conformanceSearch(ctx);
    if (options.datasets ?? true) conformanceDatasets(ctx);
    if (options.artifacts ?? true) conformanceArtifacts(ctx);
    if (options.models ?? true) conformanceModels(ctx);
    if (options.registryEdits ?? true) conformanceRegistryEdits(ctx);
    if (options.records ?? true) conformanceRecords(ctx);
    if (options.changes ?? true) conformanceChanges(ctx, options.changeRetention);
  });
}
