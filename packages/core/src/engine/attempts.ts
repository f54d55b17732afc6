import { FlowTimeoutError, NothingThrownError, TaskTimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Hook } from './options.js';
import { retryDelay, sleep } from './retry.js';
import type { RunRecord } from './run-record.js';

/** What the retry loop needs from a flow or task run. */
export interface AttemptDriver {
  /** The run. */
  readonly record: RunRecord;
  /** The run logger (hooks get it; hook errors go to it). */
  readonly logger: Logger;
  /** Aborts a retry delay (flow cancellation). */
  readonly signal: AbortSignal;
  /** Runs one attempt. */
  attempt(): Promise<unknown>;
  /** The cancellation error to end with when `error` means the run was cancelled, else undefined. */
  cancellation(error: unknown): Error | undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Calls hooks in order; their errors are logged and never change the run's outcome. */
export async function runHooks(
  hooks: readonly Hook[],
  record: RunRecord,
  logger: Logger,
): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook({
        name: record.name,
        runId: record.id,
        state: record.state,
        attempt: record.attempt,
        parameters: record.parameters,
        logger,
      });
    } catch (error) {
      logger.error(
        { hook: hook.name || 'anonymous', error },
        `A ${record.state.name} hook of "${record.name}" failed`,
      );
    }
  }
}

async function shouldRetry(driver: AttemptDriver, error: unknown): Promise<boolean> {
  const { record } = driver;
  const options = record.def.options;
  if (record.attempt > (options.retries ?? 0)) return false;
  if (!options.retryCondition) return true;
  try {
    return await options.retryCondition(error, record.attempt);
  } catch (conditionError) {
    driver.logger.error(
      { error: conditionError },
      `The retryCondition of "${record.name}" threw; not retrying`,
    );
    return false;
  }
}

/**
 * Runs attempts until one succeeds, the retries are used up, the retry condition says no, or the run
 * is cancelled; records Running / Retrying / final states and calls the hooks.
 */
export async function runAttempts(driver: AttemptDriver): Promise<unknown> {
  const { record, logger } = driver;
  const { hooks, options } = record.def;
  for (;;) {
    record.attempt++;
    record.enter('RUNNING');
    let error: unknown;
    try {
      const value = await driver.attempt();
      record.enter('COMPLETED', { data: value });
      if (hooks.onCompletion.length) await runHooks(hooks.onCompletion, record, logger);
      return value;
    } catch (caught) {
      error = caught ?? new NothingThrownError(record.name, caught);
    }
    let cancelled = driver.cancellation(error);
    if (!cancelled && (await shouldRetry(driver, error))) {
      let delayMs: number | undefined;
      try {
        delayMs = retryDelay(options.retryDelayMs, record.attempt, options.retryJitterFactor);
      } catch (delayError) {
        // A retry delay function that returns no usable delay fails the run with that error.
        error = delayError;
      }
      if (delayMs !== undefined) {
        record.enter('RETRYING', { error, message: messageOf(error) });
        if (hooks.onRetry.length) await runHooks(hooks.onRetry, record, logger);
        try {
          await sleep(delayMs, driver.signal);
          continue;
        } catch (abortReason) {
          cancelled = driver.cancellation(abortReason) ?? (abortReason as Error);
        }
      }
    }
    const final = cancelled ?? error;
    const timedOut =
      !cancelled && (error instanceof TaskTimeoutError || error instanceof FlowTimeoutError);
    record.enter(cancelled ? 'CANCELLED' : timedOut ? 'TIMED_OUT' : 'FAILED', {
      error: final,
      message: messageOf(final),
    });
    if (hooks.onFailure.length) await runHooks(hooks.onFailure, record, logger);
    throw final;
  }
}
