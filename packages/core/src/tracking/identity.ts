import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import {
  TAG_GIT_COMMIT,
  TAG_PARENT_RUN_ID,
  TAG_RUN_NAME,
  TAG_SOURCE_NAME,
  TAG_USER,
} from './tracker.js';

const ADJECTIVES = [
  'amber',
  'bold',
  'brisk',
  'calm',
  'clever',
  'crisp',
  'dapper',
  'eager',
  'fleet',
  'gentle',
  'keen',
  'lucid',
  'mellow',
  'nimble',
  'quiet',
  'rapid',
  'sly',
  'steady',
  'sunny',
  'vivid',
];
const NOUNS = [
  'badger',
  'crane',
  'dolphin',
  'falcon',
  'fox',
  'gecko',
  'heron',
  'ibis',
  'koala',
  'lynx',
  'marten',
  'newt',
  'otter',
  'owl',
  'panda',
  'quail',
  'seal',
  'stork',
  'tern',
  'wren',
];

/** A readable run name like MLflow's: `adjective-noun-123`. */
export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}

const gitCommitCache = new Map<string, string | null>();

/**
 * The commit checked out in the git work tree containing `cwd`, read from `.git` files without
 * spawning git (a spawn per run would cost milliseconds); `null` outside a work tree.
 */
export function gitCommit(cwd: string = process.cwd()): string | null {
  const cached = gitCommitCache.get(cwd);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  try {
    let dir = resolve(cwd);
    for (;;) {
      const dotGit = join(dir, '.git');
      if (existsSync(dotGit)) {
        let gitDir = dotGit;
        if (statSync(dotGit).isFile()) {
          // A worktree or submodule: ".git" is a file "gitdir: <path>".
          const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
          if (m) gitDir = resolve(dir, m[1].trim());
        }
        found = resolveHead(gitDir);
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    found = null;
  }
  gitCommitCache.set(cwd, found);
  return found;
}

function resolveHead(gitDir: string): string | null {
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  if (/^[0-9a-f]{40,64}$/.test(head)) return head;
  const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
  if (!ref) return null;
  // Linked worktrees keep refs in the common dir.
  const commonFile = join(gitDir, 'commondir');
  const common = existsSync(commonFile)
    ? resolve(gitDir, readFileSync(commonFile, 'utf8').trim())
    : gitDir;
  for (const base of [gitDir, common]) {
    const loose = join(base, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
  }
  const packed = join(common, 'packed-refs');
  if (existsSync(packed)) {
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref) return sha;
    }
  }
  return null;
}

/** The `tideflow.*` system tags of a new run. */
export function systemTags(name: string, parentRunId: string | undefined): Record<string, string> {
  const tags = runTags(name, parentRunId);
  const source = process.argv[1];
  if (source) tags[TAG_SOURCE_NAME] = source;
  const commit = gitCommit();
  if (commit) tags[TAG_GIT_COMMIT] = commit;
  const user = currentUser();
  if (user) tags[TAG_USER] = user;
  return tags;
}

/** The tags every run has: its name, and its parent when nested. */
export function runTags(name: string, parentRunId: string | undefined): Record<string, string> {
  const tags: Record<string, string> = { [TAG_RUN_NAME]: name };
  if (parentRunId !== undefined) tags[TAG_PARENT_RUN_ID] = parentRunId;
  return tags;
}

/** The operating-system user name, or `null` where the platform has none (some containers). */
function currentUser(): string | null {
  try {
    return userInfo().username || null;
  } catch {
    return null;
  }
}
