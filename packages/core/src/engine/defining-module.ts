import { fileURLToPath, pathToFileURL } from 'node:url';

/** This package's compiled (or source) folder: frames inside it are the engine's own, not the caller's. */
const OWN_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * Packages that call decorators on a module's behalf (the `__decorate` helpers of tsc, oxc, swc and
 * babel, and `Reflect.decorate`): their frames are skipped too.
 */
const HELPER_PACKAGES = [
  'tslib',
  'reflect-metadata',
  '@oxc-project/runtime',
  '@swc/helpers',
  '@babel/runtime',
].flatMap((name) => [`/node_modules/${name}/`, `\\node_modules\\${name.replace('/', '\\')}\\`]);

/** The call sites of the current stack, without formatting them (`Error.prepareStackTrace` hook). */
function callSites(): NodeJS.CallSite[] {
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = 30;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, callSites);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
}

/**
 * The URL of the module that is defining a task right now: the first stack frame outside this
 * package (and outside the decorator helpers of compilers). A worker imports that module to find the task by
 * its registered name, so the module is taken where the task is defined — the only moment the
 * defining module is on the stack — rather than guessed later. `undefined` when no frame outside
 * this package has a file; such a task needs the `module` option to run on a pool.
 */
export function definingModule(): string | undefined {
  for (const site of callSites()) {
    const file = site.getFileName();
    if (!file || file.startsWith('node:')) continue;
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (path.startsWith(OWN_DIR) || HELPER_PACKAGES.some((d) => path.includes(d))) continue;
    // Not a file (a bundler's virtual helper module, eval code): look further down.
    if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) continue;
    return pathToFileURL(path).href;
  }
  return undefined;
}
