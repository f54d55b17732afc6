import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CachePolicy, CodeHashPolicy } from '@tideflow/core';
import { ClusteringPipeline } from '../src/index.js';
import {
  conformalTask,
  embedTask,
  evaluateTask,
  explainTask,
} from '../src/pipeline/evaluation-tasks.js';
import { searchFamilyTask } from '../src/pipeline/family-task.js';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

interface Defined {
  definition?: {
    name: string;
    cache?: { policies: readonly CachePolicy[]; key?: unknown };
  };
}

describe("the pipeline's cache keys", () => {
  it("carry a content hash of the models package's code in every policy-keyed task", () => {
    const pipeline = new ClusteringPipeline() as unknown as Record<string, Defined>;
    // The methods, and the tasks that run on a worker pool (top-level tasks of their own modules).
    const poolTasks = [searchFamilyTask, evaluateTask, explainTask, conformalTask, embedTask];
    const cachedTasks = [
      ...Object.getOwnPropertyNames(ClusteringPipeline.prototype).map(
        (name) => pipeline[name]?.definition,
      ),
      ...poolTasks.map((t) => (t as unknown as Defined).definition),
    ].filter((def) => def?.cache !== undefined);
    expect(cachedTasks.length).toBeGreaterThanOrEqual(11);
    for (const def of cachedTasks) {
      if (def!.cache!.key) continue; // loadCsv: its key function hashes the same digest with the file
      const names = def!.cache!.policies.map((p) => p.name);
      expect(names, def!.name).toEqual(['codeHash', 'inputs', 'taskSource']);
      const code = def!.cache!.policies[0] as CodeHashPolicy;
      // Under vitest the pipeline runs from src/, built it runs from dist/: that directory is hashed.
      expect(code.roots).toEqual([srcDir]);
      expect(code.digest()).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
