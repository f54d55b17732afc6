export { SqliteKeyvStore, createSqliteCacheStore } from './cache-store.js';
export type { SqliteKeyvStoreOptions, SqliteKeyvStoreAdapterOptions } from './cache-store.js';
export { SqliteTracker, SqliteTrackerStore } from './sqlite-tracker.js';
export type { SqliteTrackerOptions } from './sqlite-tracker.js';
export { parseSqliteUri } from './uri.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './schema.js';
export type { Migration } from './schema.js';
import './scheme.js';
