/**
 * `@tideflow/core/store`: what a tracking backend needs beyond the main entry — the
 * {@link TrackerStore} contract with its input types, the parsed search a store may execute
 * natively, and the few helpers that keep every store's answers identical. Register the backend
 * for its URI scheme with `registerTrackerScheme`, and prove it with `trackerConformance` from
 * `@tideflow/core/testing`.
 *
 * @packageDocumentation
 */
export type {
  TrackerStore,
  ExperimentInsert,
  ExperimentUpdate,
  RunScope,
  BatchWrite,
  ModelVersionInsert,
  RegisteredModelInsert,
  ModelVersionRef,
  ModelTarget,
} from './tracking/tracker-store.js';
export type { EncodedArtifact } from './tracking/artifacts.js';
export { assertReplaceable, decodeTypedArtifact } from './tracking/artifacts.js';
export { lastPerRecord } from './tracking/changes.js';
export { deletedExperimentError } from './tracking/errors.js';
export type { ParsedSearch } from './tracking/paging.js';
export { encodePageToken, pageOfRuns } from './tracking/paging.js';
export type {
  FilterClause,
  FilterEntity,
  FilterOperator,
  OrderByClause,
  RunAttribute,
} from './tracking/filter.js';
export type { DatasetField } from './tracking/filter.js';
export { likeToRegExp, runMatches, runComparator } from './tracking/run-matching.js';
export type { DatasetFields, RunSearchContext } from './tracking/run-matching.js';
export { isNewer } from './tracking/record-checks.js';
export { MemoryTrackerStore } from './tracking/memory-tracker.js';
