import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { registerRunsArtifacts } from './runs-artifacts.js';
import { registerRunsCompare } from './runs-compare.js';
import { registerRunsLogs } from './runs-logs.js';
import { registerRunsMetrics } from './runs-metrics.js';
import { registerRunsLs } from './runs-ls.js';
import { registerRunsShow } from './runs-show.js';

/** `tideflow runs ls|show|compare|logs|metrics|artifacts`. */
export function registerRuns(program: Command, io: CliIo): void {
  const group = program.command('runs').description('List, show and compare tracked runs.');
  registerRunsLs(group, io);
  registerRunsShow(group, io);
  registerRunsCompare(group, io);
  registerRunsLogs(group, io);
  registerRunsMetrics(group, io);
  registerRunsArtifacts(group, io);
}
