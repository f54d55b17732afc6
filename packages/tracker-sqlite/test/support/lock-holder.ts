// Test and bench support: another process holding SQLite write locks, and a watch on this
// process's event loop while a write waits for them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

/** A process that holds the write lock of some SQLite files. */
export interface LockHolder {
  /** Releases the locks now (else they go after `holdMs`) and resolves once the process ended. */
  release(): Promise<void>;
  /** Resolves once the process released the locks and ended. */
  readonly released: Promise<void>;
}

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/** The holder's program: lock every file, say so, commit after `holdMs` or at the first byte on stdin. */
const PROGRAM = `
const Database = require(process.argv[1]);
const holdMs = Number(process.argv[2]);
const dbs = process.argv.slice(3).map((p) => new Database(p));
for (const db of dbs) db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
const done = () => { for (const db of dbs) db.exec('COMMIT'); process.exit(0); };
setTimeout(done, holdMs);
process.stdin.once('data', done);
`;

/**
 * Starts another process that opens each SQLite file at `paths` (creating it if absent), takes its
 * write lock (BEGIN IMMEDIATE) and keeps it for `holdMs`; resolves once every lock is held.
 */
export async function holdWriteLocks(
  paths: readonly string[],
  holdMs: number,
): Promise<LockHolder> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', PROGRAM, driver, String(holdMs), ...paths],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const released = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`the lock holder exited (${code}) before locking: ${stderr}`)),
    );
  });
  return {
    released,
    release: async () => {
      if (child.exitCode === null) child.stdin!.write('x');
      await released;
    },
  };
}

/** What {@link watchEventLoop} saw. */
export interface EventLoopWatch {
  /** How many times the timer fired. */
  ticks: number;
  /** The longest time between two ticks (or since the last tick), ms: the longest stall. */
  longestGapMs: number;
}

/**
 * Starts a timer that should fire every `intervalMs`; `stop()` ends it and says how often it
 * fired and the longest gap between ticks. A synchronous wait on a lock shows as few ticks and
 * one long gap.
 */
export function watchEventLoop(intervalMs = 10): { stop(): EventLoopWatch } {
  let last = performance.now();
  let ticks = 0;
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks++;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { ticks, longestGapMs: Math.max(longest, performance.now() - last) };
    },
  };
}
