import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryTracker, TAG_PARENT_RUN_ID, TAG_RUN_NAME, TAG_USER } from '@tideflow/core';
import { generateRunName, gitCommit, systemTags } from '../src/tracking/identity.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function repo(name: string, head: string, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(join(dir, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(dir, '.git', 'HEAD'), head);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, '.git', f), text);
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
  return dir;
}

describe('gitCommit', () => {
  it('reads a detached HEAD, a loose ref and a packed ref, from any subdirectory', () => {
    expect(gitCommit(join(repo('detached', `${A}\n`), 'src', 'deep'))).toBe(A);
    const loose = repo('loose', 'ref: refs/heads/main\n');
    writeFileSync(join(loose, '.git', 'refs', 'heads', 'main'), `${B}\n`);
    expect(gitCommit(join(loose, 'src'))).toBe(B);
    const packed = repo('packed', 'ref: refs/heads/dev\n', {
      'packed-refs': `# pack-refs\n${A} refs/heads/dev\n`,
    });
    expect(gitCommit(packed)).toBe(A);
    expect(gitCommit(repo('unborn', 'ref: refs/heads/none\n'))).toBe(null);
  });

  it('follows a worktree ".git" file to its git directory', () => {
    const main = repo('main-wt', `${B}\n`);
    const wt = join(root, 'linked');
    mkdirSync(wt, { recursive: true });
    writeFileSync(join(wt, '.git'), `gitdir: ${join(main, '.git')}\n`);
    expect(gitCommit(wt)).toBe(B);
  });
});

describe('run identity', () => {
  it('makes readable names', () => {
    expect(generateRunName()).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
  });

  it('adds the parent tag only to nested runs', () => {
    expect(systemTags('n', undefined)[TAG_PARENT_RUN_ID]).toBeUndefined();
    expect(systemTags('n', 'p')[TAG_PARENT_RUN_ID]).toBe('p');
  });

  it("leaves this process's tags out with systemTags: false (a run created for a remote client)", async () => {
    const tracker = new MemoryTracker();
    const parent = (await tracker.createRun()).info.runId;
    expect((await tracker.createRun())?.data.tags[TAG_USER]).toBeDefined();
    const run = await tracker.createRun({
      name: 'remote',
      parentRunId: parent,
      tags: { team: 'ml' },
      systemTags: false,
    });
    expect(run.data.tags).toEqual({
      [TAG_RUN_NAME]: 'remote',
      [TAG_PARENT_RUN_ID]: parent,
      team: 'ml',
    });
    expect((await tracker.getRun(run.info.runId)).data.tags).toEqual(run.data.tags);
  });
});
