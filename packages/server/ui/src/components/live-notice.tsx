import { useStoreFailing } from '../live-status.js';

/**
 * While live updates are failing (the server's store cannot read its changes), a notice that says
 * so. The status region is always there, empty otherwise, so that screen readers announce it.
 */
export function LiveNotice() {
  const failing = useStoreFailing();
  return (
    <div class="live-notice" role="status">
      {failing &&
        'Live updates are failing: the tracking store cannot be read, so what this page shows may be stale. It updates again once the store reads.'}
    </div>
  );
}
