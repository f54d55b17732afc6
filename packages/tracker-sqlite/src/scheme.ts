import { registerTrackerScheme } from '@tideflow/core';
import { SqliteTracker } from './sqlite-tracker.js';

// Importing this package makes `sqlite:///path` tracking URIs (TIDEFLOW_TRACKING_URI, configure,
// the CLI) open a SqliteTracker; core imports the package on demand when such a URI is used.
registerTrackerScheme('sqlite', (uri, { cwd, create }) =>
  SqliteTracker.fromUri(uri, { cwd, create }),
);
