import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { registerCache } from './cache.js';
import { registerConfig } from './config.js';
import { registerExperiments } from './experiments.js';
import { registerModels } from './models.js';
import { registerNotebook } from './notebook.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerServer } from './server.js';
import { registerWorker } from './worker.js';
import { registerDeploy } from './deploy.js';
import { registerDeployments } from './deployments.js';

/** Adds one command (or command group) to the program. */
export type CommandModule = (program: Command, io: CliIo) => void;

/**
 * Every command of `tideflow`, in help order. A new command is a file in this folder exporting
 * a {@link CommandModule}, plus one line here.
 */
export const COMMANDS: readonly CommandModule[] = [
  registerRun,
  registerExperiments,
  registerRuns,
  registerModels,
  registerCache,
  registerConfig,
  registerNotebook,
  registerServer,
  registerWorker,
  registerDeploy,
  registerDeployments,
];
