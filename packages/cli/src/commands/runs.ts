import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { registerRunsCompare } from './runs-compare.js';
import { registerRunsLs } from './runs-ls.js';
import { registerRunsShow } from './runs-show.js';

/** `tideflow runs ls|show|compare`. */
export function registerRuns(program: Command, io: CliIo): void {
  const group = program.command('runs').description('List, show and compare tracked runs.');
  registerRunsLs(group, io);
  registerRunsShow(group, io);
  registerRunsCompare(group, io);
}
