import { registerTrackerScheme } from '@tideflow/core';
import { SqliteTracker } from './sqlite-tracker.js';
import { parseSqliteUri } from './uri.js';

// Importing this package makes `sqlite:///path` tracking URIs (TIDEFLOW_TRACKING_URI, configure)
// open a SqliteTracker; core imports the package on demand when such a URI is used.
registerTrackerScheme('sqlite', (uri) => new SqliteTracker({ path: parseSqliteUri(uri) }));
