/**
 * `@tideflow/runner-bullmq`: run tideflow tasks on BullMQ workers over Redis (`BullMQTaskRunner`,
 * `startWorker` / `tideflow worker`), and schedule flow runs with BullMQ job schedulers.
 *
 * @packageDocumentation
 */
export { BullMQTaskRunner } from './bullmq-runner.js';
export type { BullMQTaskRunnerOptions } from './bullmq-runner.js';
export { startWorker } from './worker.js';
export type { TideflowWorker, TideflowWorkerOptions } from './worker.js';
export { TaskNotFoundError, RedisUnavailableError, DeploymentError } from './errors.js';
export type { RedisConnection } from './connection.js';
export type { FlowJobData } from './protocol.js';
export { Deployments, checkCron } from './deployments.js';
export type { Deployment, DeploymentSpec, DeploymentsOptions } from './deployments.js';
