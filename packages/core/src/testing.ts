/**
 * `@tideflow/core/testing`: the conformance suites every implementation of a tideflow contract
 * runs in its own tests, like `@keyv/test-suite` — `trackerConformance` for tracking stores and
 * `cacheStoreConformance` for cache stores, each with groups a backend can switch off. Core does
 * not import a test framework: pass vitest's or jest's `describe`, `it` and `expect`.
 *
 * @packageDocumentation
 */
export { trackerConformance } from './tracking/conformance.js';
export type {
  ConformanceAssertion,
  ConformanceTestApi,
  TrackerFactory,
  TrackerConformanceOptions,
} from './tracking/conformance.js';
export { cacheStoreConformance } from './cache/conformance.js';
export type {
  CacheConformanceAssertion,
  CacheConformanceTestApi,
  CacheStoreConformanceOptions,
} from './cache/conformance.js';
