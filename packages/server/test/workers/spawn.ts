import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** A started worker: its process, and its stdout/stderr so far. */
export interface Worker {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `workers/<name>.ts` under tsx, resolving `@tideflow/*` to the sources as vitest does. */
export function startWorker(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), ...args],
    {
      cwd: repo,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.check.json', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once the worker printed a full line on stdout. */
export async function firstLine(w: Worker): Promise<string> {
  for (let i = 0; i < 600 && !w.stdout().includes('\n'); i++) {
    if (w.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const line = w.stdout().split('\n')[0];
  if (!w.stdout().includes('\n')) throw new Error(`worker printed no line; stderr: ${w.stderr()}`);
  return line;
}
