// Retries with exponential backoff and a retry condition; a timeout that fires even though the
// task ignores its AbortSignal; hooks that report what happened.
import {
  TaskTimeoutError,
  engineEvents,
  exponentialBackoff,
  flow,
  getRunContext,
  task,
} from '@tideflow/core';

let calls = 0;
const flakyFetch = task(
  async function flakyFetch(url: string) {
    calls++;
    if (calls < 3) throw new Error(`HTTP 503 from ${url}`);
    return `payload of ${url} after ${calls} attempts`;
  },
  {
    retries: 4,
    retryDelayMs: exponentialBackoff(10), // 10, 20, 40, 80 ms
    retryJitterFactor: 0.2,
    retryCondition: (error) => String(error).includes('503'), // only retry server errors
    onRetry: ({ attempt }) => console.log(`retrying after attempt ${attempt}`),
  },
);

const slowReport = task(
  async function slowReport() {
    const { signal } = getRunContext()!;
    signal.addEventListener('abort', () => console.log('slowReport: signal aborted'));
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // ignores the signal
  },
  { timeoutMs: 50 },
);

const pipeline = flow(async function retriesAndTimeouts() {
  const payload = await flakyFetch('https://example.test/data');
  console.log(payload);
  try {
    await slowReport();
  } catch (error) {
    if (error instanceof TaskTimeoutError) console.log(`caught: ${error.message}`);
  }
  return payload.length;
});

engineEvents.subscribe((e) => {
  if (e.type === 'run.state' && e.run.kind === 'task' && e.state.isFinal()) {
    console.log(`${e.run.name} ended ${e.state.name} after ${e.attempt} attempt(s)`);
  }
});
const state = await pipeline.run();
console.log(`flow ${state.name}`);
