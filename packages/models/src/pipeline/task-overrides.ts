import { asTask, type TaskOptions } from '@tideflow/core';
import type { TaskOverride } from './config.js';
import { PipelineConfigError } from './config-schema.js';

/** Task names whose options the configuration may override. */
export const PIPELINE_TASKS = [
  'generateData',
  'loadCsv',
  'split',
  'compareCoordinates',
  'searchFamily',
  'finalizeModel',
  'evaluate',
  'explain',
  'conformal',
  'embed',
  'renderReport',
].map((m) => `ClusteringPipeline.${m}`);

/** The task options a configuration may override. */
const OVERRIDE_KEYS = new Set(['retries', 'retryDelayMs', 'timeoutMs', 'cacheExpiration']);

export function checkOverrides(tasks: Record<string, TaskOverride>): Record<string, TaskOverride> {
  for (const [name, override] of Object.entries(tasks)) {
    if (!PIPELINE_TASKS.includes(name)) {
      throw new PipelineConfigError(
        `tasks.${name}`,
        `unknown task; the tasks are ${PIPELINE_TASKS.join(', ')}.`,
      );
    }
    if (typeof override !== 'object' || override === null)
      throw new PipelineConfigError(`tasks.${name}`, 'expected an object of task options.');
    for (const key of Object.keys(override)) {
      if (!OVERRIDE_KEYS.has(key)) {
        throw new PipelineConfigError(
          `tasks.${name}.${key}`,
          `unknown task option; the options are ${[...OVERRIDE_KEYS].join(', ')}.`,
        );
      }
    }
  }
  return tasks;
}

/**
 * A task callable with the configuration's overrides for its registered name applied through
 * `.with(...)`; `cacheExpiration` is merged into the task's own cache options.
 */
export function withOverrides<F extends (...args: never[]) => unknown>(
  method: F,
  overrides: Record<string, TaskOverride>,
): F {
  const callable = asTask(method as never) as unknown as {
    definition: { name: string; options: TaskOptions };
    with(o: TaskOptions): unknown;
  };
  const override = overrides[callable.definition.name];
  if (!override) return method;
  const { cacheExpiration, ...rest } = override;
  const options: TaskOptions = { ...rest };
  if (cacheExpiration !== undefined) {
    const base = callable.definition.options.cache;
    options.cache = {
      ...(base === true || base === undefined ? {} : base),
      expiration: cacheExpiration,
    };
  }
  return callable.with(options) as F;
}
