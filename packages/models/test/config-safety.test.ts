import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineConfigError, parseSetOverrides, resolvePipelineConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-config-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True when some key leaked onto Object.prototype. */
function polluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || probe.x !== undefined;
}

describe('configuration keys that name prototypes', () => {
  it.each([
    ['__proto__.polluted=1', '__proto__'],
    ['constructor.prototype.x=1', 'constructor'],
    ['models.__proto__.polluted=1', 'models.__proto__'],
    ['tasks.constructor.prototype.polluted=1', 'tasks.constructor'],
    ['data.prototype=1', 'data.prototype'],
  ])('--set %s is refused naming %s, and Object.prototype is untouched', async (set, key) => {
    const error = await resolvePipelineConfig({ set: [set] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineConfigError);
    expect((error as PipelineConfigError).code).toBe('PIPELINE_CONFIG');
    expect((error as PipelineConfigError).key).toBe(key);
    expect((error as Error).message).toMatch(/is not allowed as a configuration key/);
    expect(polluted()).toBe(false);
  });

  it.each(['toString=1', 'hasOwnProperty=1', 'data.valueOf=1', 'models.knn.isPrototypeOf=1'])(
    '--set %s is an unknown key, not one read through the prototype chain',
    async (set) => {
      await expect(resolvePipelineConfig({ set: [set] })).rejects.toThrow(
        new RegExp(`"${set.split('=')[0]}": unknown key; the keys here are`),
      );
    },
  );

  it('builds --set overrides without prototypes', () => {
    const out = parseSetOverrides(['data.dim=2']);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.getPrototypeOf(out.data)).toBeNull();
    expect(() => parseSetOverrides(['data=1', 'data.dim=2'])).toThrow(/"data"/);
    expect(() => parseSetOverrides(['data..dim=2'])).toThrow(/empty key segment/);
  });

  it.each([
    ['config.yaml', '__proto__:\n  polluted: 1\nstrategy: best\n', '__proto__'],
    ['config.json', '{"models": {"__proto__": {"polluted": 1}}}', 'models.__proto__'],
    [
      'tasks.yaml',
      'tasks:\n  ClusteringPipeline.split:\n    constructor: { prototype: { polluted: 1 } }\n',
      'tasks.ClusteringPipeline.split.constructor',
    ],
    ['proto.yaml', 'toString: 1\n', null],
  ])('a config file %s with prototype keys is refused', async (name, text, key) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const error = await resolvePipelineConfig({ file: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineConfigError);
    if (key) expect((error as PipelineConfigError).key).toBe(key);
    else expect((error as Error).message).toMatch(/"toString": unknown key/);
    expect(polluted()).toBe(false);
  });
});
