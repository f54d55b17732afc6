import { hostname } from 'node:os';

/** Who wrote a RUNNING run: recorded so that another process can tell whether it is still alive. */
export interface RunOwner {
  /** The writing process id. */
  pid: number | null;
  /** Its host name. */
  host: string | null;
  /** Its last heartbeat, epoch ms. */
  heartbeatAt: number | null;
}

/** This process, as recorded on the runs it starts. */
export const THIS_HOST = hostname();

/** Whether a process id is alive on this host (signal 0 probes without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner of a RUNNING run is gone. On this host the pid decides: a long synchronous
 * computation can starve the heartbeat timer, but not the process table. On another host (a
 * shared file system) only the heartbeat can tell, after `staleAfterMs` of silence.
 */
export function ownerDead(owner: RunOwner, now: number, staleAfterMs: number): boolean {
  if (owner.pid === null || owner.host === null) return false;
  if (owner.host === THIS_HOST) return owner.pid !== process.pid && !pidAlive(owner.pid);
  return owner.heartbeatAt !== null && now - owner.heartbeatAt > staleAfterMs;
}
