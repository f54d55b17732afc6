// The entry of a serving worker process forked by serveModelWorkers: it waits for its config,
// opens the store, serves the model on the shared port and reports back; `close` stops it.
import { openTracker } from '@tideflow/core';
import { serveModel } from './server.js';
import type { WorkerConfig, WorkerMessage } from './workers.js';

/** Sends `message` to the primary and resolves once it is written. */
const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

const failed = async (error: unknown) => {
  await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
};

async function start(config: WorkerConfig): Promise<void> {
  const { trackingUri, cwd, ...options } = config.options;
  const tracker = await openTracker(trackingUri, { cwd, create: false });
  const server = await serveModel(config.uri, { ...options, tracker }).catch(async (error) => {
    await tracker.close();
    throw error;
  });
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'close') return;
    void server
      .close()
      .then(() => tracker.close())
      .finally(() => process.exit(0));
  });
  await send({ type: 'listening', port: server.port, version: server.served().version });
}

// A worker outlives neither its primary nor a closed channel.
process.once('disconnect', () => process.exit(0));
process.once('message', (config: WorkerConfig) => {
  start(config).catch(failed);
});
void send({ type: 'ready' });
