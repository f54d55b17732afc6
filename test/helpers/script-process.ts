import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** A started script: its process, and its stdout/stderr so far. */
export interface ScriptProcess {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs a `.ts` script in a child process under tsx, from the repository's root, resolving
 * `@tideflow/*` to the sources as vitest does.
 */
export function startScript(
  script: URL,
  args: string[],
  env: Record<string, string> = {},
): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], {
    cwd: repo,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.check.json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once the script printed a full line on stdout. */
export async function firstLine(w: ScriptProcess): Promise<string> {
  for (let i = 0; i < 600 && !w.stdout().includes('\n'); i++) {
    if (w.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const line = w.stdout().split('\n')[0];
  if (!w.stdout().includes('\n')) throw new Error(`script printed no line; stderr: ${w.stderr()}`);
  return line;
}
