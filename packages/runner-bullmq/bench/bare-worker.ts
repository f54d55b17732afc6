// A bare BullMQ worker (no tideflow) for the throughput bench's baseline:
// node --import tsx bare-worker.ts REDIS_URL QUEUE CONCURRENCY
import { Worker } from 'bullmq';

const [url, queue, concurrency] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const worker = new Worker(queue, (job) => Promise.resolve((job.data as { x: number }).x + 1), {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.stdout.write('serving queue\n');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
