import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidOptionError, TideflowError } from '../errors.js';
import type { CacheKeyBuilder, CacheKeyContext, CachePolicy } from './policies.js';

/*
 * The code-version input of a cache key. `taskSource` sees only the task's own body, so a task
 * whose body is one call into another module keeps hitting after that module changes (Prefect's
 * default policy has the same blind spot). `codeHash` hashes the content of named files,
 * directories and packages instead. The walk is a few lines over `node:fs` and `node:crypto`
 * rather than a dependency such as folder-hash, because the rule (what is skipped, how a package
 * is found and which of its files count) is tideflow's and has to be documented exactly.
 */

/** Options of {@link codeHash}: what code the key depends on. At least one entry is required. */
export interface CodeHashOptions {
  /**
   * Files or directories, as paths or `file:` URLs (e.g. `new URL('.', import.meta.url)`: the
   * directory of the calling module). A directory stands for every file under it, except
   * `node_modules` and names starting with a dot (`.git`, `.tsbuildinfo`).
   */
  readonly files?: readonly (string | URL)[];
  /**
   * Package names, found as Node finds an import of them from `from`. A package stands for its
   * `package.json` and the entries of its `files` field (what npm publishes, e.g. `dist`), or for
   * its whole directory when `files` is absent or holds a glob pattern; `node_modules` and dot
   * names are skipped as for `files`.
   */
  readonly packages?: readonly string[];
  /**
   * Where relative paths are resolved and packages are looked up from: a directory, a file, or a
   * `file:` URL such as `import.meta.url`.
   *
   * @default process.cwd()
   */
  readonly from?: string | URL;
}

/** The {@link codeHash} policy: the key depends on the content of the named code. */
export interface CodeHashPolicy extends CachePolicy {
  /** Always `codeHash`. */
  readonly name: 'codeHash';
  /** The absolute paths (files and directories) whose content is hashed, in the given order. */
  readonly roots: readonly string[];
  /**
   * The SHA-256 (64 hex digits) of the content: computed at the first call and reused for the
   * life of the process, so a cached task pays for it once. Use it in a custom `key` function.
   *
   * @throws CodeHashError naming the file when a file cannot be read.
   */
  digest(): string;
}

/** Thrown by {@link CodeHashPolicy.digest} when a file under a hashed root cannot be read. */
export class CodeHashError extends TideflowError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      'CODE_HASH',
      `Cannot hash the code file ${path} for a cache key: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

const FIELDS = new Set(['files', 'packages', 'from']);
const GLOB = /[*?[\]{}!]/;

function toPath(value: string | URL, base: string, label: string): string {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') {
      throw new InvalidOptionError(`codeHash(): ${label} ${value.href} is not a file: URL.`);
    }
    return resolve(fileURLToPath(value));
  }
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(
      `codeHash(): ${label} must be a non-empty path or a file: URL, got ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value.startsWith('file:') ? resolve(fileURLToPath(value)) : resolve(base, value);
}

function baseDirectory(from: string | URL | undefined): string {
  if (from === undefined) return process.cwd();
  const path = toPath(from, process.cwd(), 'from');
  if (!existsSync(path)) throw new InvalidOptionError(`codeHash(): from ${path} does not exist.`);
  return statSync(path).isDirectory() ? path : dirname(path);
}

/** The directory of package `name` as seen from `base`, following Node's node_modules lookup. */
function packageDirectory(name: string, base: string): string {
  const lookup = createRequire(join(base, 'noop.js')).resolve.paths(name) ?? [];
  for (const dir of lookup) {
    const manifest = join(dir, name, 'package.json');
    if (existsSync(manifest)) return realpathSync(dirname(manifest));
  }
  throw new InvalidOptionError(
    `codeHash(): package "${name}" is not installed where ${base} can import it ` +
      `(looked in ${lookup.slice(0, 3).join(', ')}${lookup.length > 3 ? ', ...' : ''}).`,
  );
}

/** The roots a package stands for: package.json plus its `files` entries, or its directory. */
function packageRoots(dir: string): string[] {
  const manifest = join(dir, 'package.json');
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(manifest, 'utf8')) as { files?: unknown }).files;
  } catch (error) {
    throw new InvalidOptionError(
      `codeHash(): ${manifest} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string' || GLOB.test(f))) {
    return [dir];
  }
  return [manifest, ...(files as string[]).map((f) => join(dir, f)).filter((f) => existsSync(f))];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    throw new CodeHashError(path, error);
  }
}

/** Every file under `root` (or `root` itself), with its path relative to the root, sorted. */
function listFiles(root: string): [relative: string, absolute: string][] {
  if (!isDirectory(root)) return [[basename(root), root]];
  const out: [string, string][] = [];
  const seen = new Set<string>();
  const walk = (dir: string, prefix: string): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return; // a symlink cycle
    seen.add(real);
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(dir, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      if (isDirectory(path)) walk(path, relative);
      else out.push([relative, path]);
    }
  };
  walk(root, '');
  return out;
}

function hashRoots(labels: readonly string[], roots: readonly string[]): string {
  const hash = createHash('sha256');
  const frame = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    hash.update(length).update(bytes);
  };
  roots.forEach((root, i) => {
    frame(labels[i]);
    for (const [relative, absolute] of listFiles(root)) {
      let content: Buffer;
      try {
        content = readFileSync(absolute);
      } catch (error) {
        throw new CodeHashError(absolute, error);
      }
      frame(relative);
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(content.length));
      hash.update(length).update(content);
    }
  });
  return hash.digest('hex');
}

/**
 * A cache policy whose key depends on the content of code: files, directories and packages.
 * Editing any of them (a module the task calls, an estimator, a dependency's build) makes the
 * task's earlier entries miss, which `taskSource` alone cannot see. Paths are resolved and
 * packages found when the policy is made (a missing one is an error then); the content is
 * hashed once per process, at the first cached call. Only paths relative to each root enter the
 * key, so clones in different places share keys. Create one policy per module and share it
 * between tasks.
 *
 * @example
 * ```ts
 * const code = codeHash({ files: [new URL('.', import.meta.url)], packages: ['ml-matrix'] });
 * class Pipeline {
 *   @task({ cache: { policy: [inputs, taskSource, code] } })
 *   async fit(data: Dataset) { return fitModel(data); } // editing fitModel's module → miss
 * }
 * ```
 *
 * @throws InvalidOptionError for an unknown option, no entries, a path that does not exist, or
 *   a package that cannot be found from `from`.
 */
export function codeHash(options: CodeHashOptions): CodeHashPolicy {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('codeHash() takes an object { files?, packages?, from? }.');
  }
  for (const field of Object.keys(options)) {
    if (!FIELDS.has(field)) {
      throw new InvalidOptionError(
        `codeHash() has an unknown option "${field}"; the options are files, packages and from.`,
      );
    }
  }
  const { files = [], packages = [] } = options;
  if (!Array.isArray(files) || !Array.isArray(packages)) {
    throw new InvalidOptionError('codeHash(): files and packages must be arrays.');
  }
  if (files.length === 0 && packages.length === 0) {
    throw new InvalidOptionError('codeHash() needs at least one entry in files or packages.');
  }
  const base = baseDirectory(options.from);
  const labels: string[] = [];
  const roots: string[] = [];
  files.forEach((file: string | URL, i) => {
    const path = toPath(file, base, `files[${i}]`);
    if (!existsSync(path)) {
      throw new InvalidOptionError(`codeHash(): files[${i}] ${path} does not exist.`);
    }
    labels.push(`file:${basename(path)}`);
    roots.push(path);
  });
  packages.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidOptionError(
        `codeHash(): packages[${i}] must be a package name, got ${JSON.stringify(name) ?? String(name)}.`,
      );
    }
    const dir = packageDirectory(name, base);
    for (const root of packageRoots(dir)) {
      labels.push(`package:${name}/${root.slice(dir.length + 1) || '.'}`);
      roots.push(root);
    }
  });
  let memo: string | undefined;
  const digest = (): string => (memo ??= hashRoots(labels, roots));
  return Object.freeze({
    name: 'codeHash' as const,
    roots: Object.freeze(roots),
    digest,
    contribute(_ctx: CacheKeyContext, key: CacheKeyBuilder): boolean {
      key.add('codeHash', digest());
      return true;
    },
  });
}
