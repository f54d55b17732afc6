/**
 * `@tideflow/tracker-sqlite`: the embedded default stores on SQLite (better-sqlite3). Importing
 * it registers the `sqlite:` tracking URI scheme.
 *
 * @packageDocumentation
 */

// Tracking: the Tracker on one SQLite file, its store, and its URIs.
export { SqliteTracker, SqliteTrackerStore } from './sqlite-tracker.js';
export type { SqliteTrackerOptions } from './sqlite-tracker.js';
export { parseSqliteUri } from './uri.js';
import './scheme.js';

// Caching: a keyv store on SQLite for task results.
export { SqliteKeyvStore, createSqliteCacheStore } from './cache-store.js';
export type { SqliteKeyvStoreOptions, SqliteKeyvStoreAdapterOptions } from './cache-store.js';
