/**
 * `@tideflow/server/client`: `RestTracker`, a tracker that records to a tideflow server over
 * HTTP. Importing it registers the `http:` and `https:` tracking URI schemes, so
 * `TIDEFLOW_TRACKING_URI=http://host:4200` works everywhere a tracking URI does (core imports
 * this entry on first use of such a URI). It does not load the server itself.
 *
 * @packageDocumentation
 */
import { registerTrackerScheme } from '@tideflow/core';
import { RestTracker } from './rest/rest-tracker.js';

for (const scheme of ['http', 'https'])
  registerTrackerScheme(scheme, (uri) => new RestTracker(uri));

export { RestTracker };
export type { RestTrackerOptions } from './rest/rest-client.js';
export { RestTrackerStore } from './rest/rest-store.js';
