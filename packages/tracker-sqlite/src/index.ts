export { SqliteKeyvStore, createSqliteCacheStore } from './cache-store.js';
export type { SqliteKeyvStoreOptions, SqliteKeyvStoreAdapterOptions } from './cache-store.js';
