import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/tc39/', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('TC39 standard decorators', () => {
  it('compile with tsc (no experimentalDecorators) and run: bound methods, registry, submit/map, .run', () => {
    // vitest does not lower TC39 decorators on Node 20, so the fixture is compiled by tsc against the built package.
    execFileSync('npx', ['tsc', '-b', 'packages/core'], { cwd: repo, stdio: 'pipe' });
    execFileSync('npx', ['tsc', '-p', fixture], { cwd: repo, stdio: 'pipe' });
    const out = execFileSync(process.execPath, [`${fixture}out/pipeline.js`], { encoding: 'utf8' });
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report.result).toEqual([11, 21]);
    expect(report.stateType).toBe('COMPLETED');
    expect(report.stateResult).toEqual([31]);
    expect(report.registered).toEqual(['Pipeline.scale', 'tc39-pipeline']);
    expect(report.flowStates).toEqual([
      'tc39-pipeline:PENDING',
      'tc39-pipeline:RUNNING',
      'tc39-pipeline:COMPLETED',
      'tc39-pipeline:PENDING',
      'tc39-pipeline:RUNNING',
      'tc39-pipeline:COMPLETED',
    ]);
    expect(report.bound).toBe(40);
    expect(report.rejected).toBe('DecoratorTargetError');
  }, 120_000);
});
