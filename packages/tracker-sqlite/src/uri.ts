import { isAbsolute, resolve } from 'node:path';
import { TrackingInputError } from '@tideflow/core';

/**
 * The file of a `sqlite:` tracking URI, resolved against `cwd`. As in MLflow and SQLAlchemy,
 * `sqlite:///tideflow.db` is relative and `sqlite:////abs/tideflow.db` is absolute (four
 * slashes). A plain path without a scheme is accepted as is.
 *
 * @example
 * ```ts
 * parseSqliteUri('sqlite:///.tideflow/tideflow.db', '/work'); // '/work/.tideflow/tideflow.db'
 * parseSqliteUri('sqlite:////tmp/t.db');                      // '/tmp/t.db'
 * ```
 */
export function parseSqliteUri(uri: string, cwd: string = process.cwd()): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) || /^[A-Za-z]:[\\/]/.test(uri)) {
    if (uri.trim() === '')
      throw new TrackingInputError('The tracking URI is empty; use sqlite:///path/to/tideflow.db.');
    return isAbsolute(uri) ? uri : resolve(cwd, uri);
  }
  const m = /^sqlite:\/\/\/(.+)$/i.exec(uri);
  if (!m) {
    throw new TrackingInputError(
      `Unsupported tracking URI "${uri}"; use sqlite:///relative/path.db or sqlite:////absolute/path.db.`,
    );
  }
  const path = decodeURIComponent(m[1].split('?')[0]);
  return isAbsolute(path) ? path : resolve(cwd, path);
}
