import { CommanderError } from 'commander';
import { processIo } from './context.js';
import type { CliIo } from './context.js';
import { createProgram } from './program.js';

/**
 * Runs the CLI on node-style `argv` (`[node, script, ...args]`) and resolves to the exit code:
 * 0 on success, 1 on an error (printed as `error: ...` on stderr), commander's code for usage
 * errors. Never calls `process.exit`, so tests can call it in-process.
 *
 * @example
 * ```ts
 * const code = await main(['node', 'tideflow', 'runs', 'ls', '--json']);
 * ```
 */
export async function main(
  argv: readonly string[] = process.argv,
  io: CliIo = processIo(),
): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`error: ${message}\n`);
    return 1;
  }
}
