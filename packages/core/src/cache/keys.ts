/*
 * Cache keys carry the task name so that one task's entries can be listed and cleared:
 *   tideflow:<task>:<64 hex digits>      keys derived from policies
 *   tideflow:<task>:key:<custom key>     keys returned by a task's `key` function
 *   tideflow:<task>:v=<version>:key:<custom key>   the same for a task with a `version` option
 * In the task name and the version, `%` and `:` are percent-encoded so that the first `:` after
 * them ends them. (Policy-derived keys hash the version into the digest.)
 */

const PREFIX = 'tideflow:';

function escapeTaskName(taskName: string): string {
  return taskName.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

function unescapeTaskName(text: string): string {
  return text.replace(/%3A|%25/g, (c) => (c === '%25' ? '%' : ':'));
}

/** The prefix of every cache key of `taskName`. */
export function taskKeyPrefix(taskName: string): string {
  return `${PREFIX}${escapeTaskName(taskName)}:`;
}

/** The key of a task call from the digest of its policies. */
export function formatCacheKey(taskName: string, digest: string): string {
  return taskKeyPrefix(taskName) + digest;
}

/** The key of a task call from the string its `key` function returned (and the task's version). */
export function formatCustomCacheKey(
  taskName: string,
  customKey: string,
  version?: string,
): string {
  const versioned = version === undefined ? '' : `v=${escapeTaskName(version)}:`;
  return `${taskKeyPrefix(taskName)}${versioned}key:${customKey}`;
}

/** The parts of a tideflow cache key, as returned by {@link parseCacheKey}. */
export interface ParsedCacheKey {
  /** The task's registered name. */
  taskName: string;
  /** The digest, or `key:<custom key>` (`v=<version>:key:<custom key>`) for keys from a `key` function. */
  id: string;
}

/** Splits a tideflow cache key into task name and id; `undefined` for keys tideflow did not make. */
export function parseCacheKey(key: string): ParsedCacheKey | undefined {
  if (!key.startsWith(PREFIX)) return undefined;
  const end = key.indexOf(':', PREFIX.length);
  if (end < 0) return undefined;
  return { taskName: unescapeTaskName(key.slice(PREFIX.length, end)), id: key.slice(end + 1) };
}
