import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { assertSafeBind, getConfig } from '@tideflow/core';
import type { Logger } from '@tideflow/core';
import { ServingSetupError } from './errors.js';
import { DEFAULT_SERVING_PORT, type ServeModelOptions } from './server.js';

/** Options of {@link serveModelWorkers}. */
export interface ServeWorkersOptions extends Omit<ServeModelOptions, 'tracker' | 'logger'> {
  /** The store every worker opens for itself, e.g. `sqlite:///…/tideflow.db`. */
  trackingUri: string;
  /** How many serving processes share the port, 1 to 256. */
  workers: number;
  /** The directory relative store locations resolve against. @default process.cwd() */
  cwd?: string;
  /** Where worker starts, exits and restarts are logged. Default: the configured logger. */
  logger?: Logger;
}

/** Several serving processes behind one port, started by {@link serveModelWorkers}. */
export interface WorkerPool {
  /** The base URL, e.g. `http://127.0.0.1:5001`. */
  readonly url: string;
  /** The port every worker listens on. */
  readonly port: number;
  /** The process ids of the workers now running. */
  pids(): number[];
  /** Stops every worker (each closes its server and store) and resolves when all have exited. */
  close(): Promise<void>;
}

/** What the primary sends a worker: what to serve. */
export interface WorkerConfig {
  /** The model URI. */
  uri: string;
  /** Everything {@link serveModelWorkers} was given but the worker count and logger. */
  options: Omit<ServeWorkersOptions, 'workers' | 'logger'>;
}

/** What a worker tells the primary. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'listening'; port: number; version: number | null }
  | { type: 'failed'; message: string };

const WORKER_ENTRY = fileURLToPath(new URL('./worker.js', import.meta.url));

/** How long a worker may take to close before it is killed. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Serves a model from `workers` processes sharing one port (`node:cluster`; connections are
 * spread across them), as `mlflow models serve --workers N` runs gunicorn workers. Each worker
 * opens the store itself, loads the model and follows its alias; a worker that dies is replaced.
 * Resolves once every worker listens; rejects (and stops the others) if one cannot start.
 *
 * @throws `UnsafeBindError` for a non-loopback host without a token and
 *   {@link ServingSetupError} for a bad worker count or port, before any process starts.
 */
export async function serveModelWorkers(
  uri: string,
  options: ServeWorkersOptions,
): Promise<WorkerPool> {
  const { workers: count, logger = getConfig().logger, ...rest } = options;
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new ServingSetupError(`Invalid worker count ${count}: give an integer from 1 to 256.`);
  }
  const port = rest.port ?? DEFAULT_SERVING_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServingSetupError(`Invalid port ${port}: give an integer from 0 to 65535.`);
  }
  const host = rest.host ?? '127.0.0.1';
  assertSafeBind(host, rest.token);
  if (!cluster.isPrimary) {
    throw new ServingSetupError('serveModelWorkers runs in the primary process only.');
  }
  cluster.setupPrimary({ exec: WORKER_ENTRY, args: [] });
  const config: WorkerConfig = { uri, options: { ...rest, host, port } };
  const running = new Set<Worker>();
  let closing = false;
  let boundPort = port;

  const start = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      running.add(worker);
      let started = false;
      worker.on('message', (message: WorkerMessage) => {
        // Sent once the worker's modules are loaded: a message sent earlier would be lost.
        if (message.type === 'ready') worker.send(config);
        else if (message.type === 'listening') {
          started = true;
          resolve(message.port);
        } else {
          reject(new ServingSetupError(`A serving worker could not start: ${message.message}`));
        }
      });
      worker.on('exit', (code, signal) => {
        running.delete(worker);
        if (!started) {
          reject(
            new ServingSetupError(
              `A serving worker exited before listening (code ${code}, signal ${signal}).`,
            ),
          );
          return;
        }
        if (closing) return;
        logger.warn(
          { pid: worker.process.pid, code, signal },
          `serving worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another`,
        );
        start().catch((error: unknown) => {
          logger.error(
            { error: String(error) },
            `cannot restart a serving worker: ${String(error)}`,
          );
        });
      });
    });

  const stop = async (): Promise<void> => {
    closing = true;
    await Promise.all(
      [...running].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const timer = setTimeout(() => worker.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (worker.isConnected()) worker.send({ type: 'close' });
            else worker.kill('SIGTERM');
          }),
      ),
    );
  };

  try {
    // Workers listening on the same host and port share the primary's one socket (for port 0,
    // one free port): the first binds it, the others join.
    boundPort = await start();
    await Promise.all(Array.from({ length: count - 1 }, () => start()));
  } catch (error) {
    await stop();
    throw error;
  }
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    port: boundPort,
    pids: () => [...running].map((w) => w.process.pid ?? -1),
    close: stop,
  };
}
