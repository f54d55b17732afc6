/**
 * `@tideflow/cli`: the `tideflow` command. `createProgram` and `main` are exported so that tests
 * and other tools can run commands in-process.
 *
 * @packageDocumentation
 */
export { main } from './main.js';
export { createProgram } from './program.js';
export type { GlobalOptions } from './program.js';
export { processIo, CliError } from './context.js';
export type { CliIo } from './context.js';
export { FlowModuleError } from './commands/flow-module.js';
export type { FlowModuleProblem } from './commands/flow-module.js';
export { COMMANDS } from './commands/index.js';
export type { CommandModule } from './commands/index.js';
