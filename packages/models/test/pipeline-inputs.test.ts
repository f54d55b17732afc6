import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  configure,
  createMemoryCacheStore,
  engineEvents,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import {
  ClusteringPipeline,
  DataFormatError,
  EstimatorInputError,
  denseMatrix,
  minimumClassRows,
  splitData,
  PipelineConfigError,
  resolvePipelineConfig,
  type PipelineConfig,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-pipeline-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** Rows of three separable classes with features a, b, c (c is noise). */
function rows(n: number, seed: number, order: ('a' | 'b' | 'c' | 'label')[]): string {
  const lines = [order.join(',')];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const cells = {
      a: (k * 4 + Math.sin(i * 12.9898 + seed)).toFixed(4),
      b: (-k * 3 + Math.cos(i * 78.233 + seed)).toFixed(4),
      c: Math.sin(i * 3.7 + seed).toFixed(4),
      label: ['red', 'green', 'blue'][k],
    };
    lines.push(order.map((col) => cells[col]).join(','));
  }
  return lines.join('\n') + '\n';
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Names of the tasks that reached a final state while `body` ran. */
async function tasksDuring(
  body: () => Promise<unknown>,
): Promise<{ tasks: string[]; error: unknown }> {
  const tasks: string[] = [];
  const stop = engineEvents.subscribe((e) => {
    if (e.type === 'run.state' && e.run.kind === 'task' && e.state.isFinal())
      tasks.push(e.run.name.replace('ClusteringPipeline.', ''));
  });
  try {
    await body();
    return { tasks, error: undefined };
  } catch (error) {
    return { tasks, error };
  } finally {
    stop();
  }
}

async function csvConfig(path: string, testPath?: string): Promise<PipelineConfig> {
  return resolvePipelineConfig({
    overrides: { data: { path, testPath: testPath ?? null } },
    set: ['search.folds=3', 'models.svc.enabled=false', 'tsne.enabled=false'],
  });
}

describe('pipeline inputs are checked before any task runs', () => {
  it('names a missing training or test file, with its configuration key', async () => {
    configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const train = file('train.csv', rows(90, 1, ['a', 'b', 'c', 'label']));
    for (const [config, message] of [
      [
        await csvConfig(join(dir, 'nope.csv')),
        `data.path: ${join(dir, 'nope.csv')}: cannot read the data file: no such file.`,
      ],
      [
        await csvConfig(train, join(dir, 'missing-test.csv')),
        `data.testPath: ${join(dir, 'missing-test.csv')}: cannot read the data file: no such file.`,
      ],
      [await csvConfig(dir), `data.path: ${dir} is not a file.`],
    ] as const) {
      const { tasks, error } = await tasksDuring(() => new ClusteringPipeline().run(config));
      expect(error).toBeInstanceOf(DataFormatError);
      expect((error as Error).message).toBe(message);
      expect(tasks).toEqual([]);
    }
  });

  it('checks the headers before reading the data: label, duplicates, separator', async () => {
    configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    for (const [name, text, label, message] of [
      ['semi.csv', 'a;b;label\n1;2;0\n', null, /it looks ";"-separated/],
      ['dup.csv', 'label,f1,label\n0,1,0\n', null, /line 1: duplicate column name "label"/],
      ['nolabel.csv', 'a,b,c\n1,2,3\n', 'species', /no label column "species"/],
      ['empty.csv', '\n\n', null, /empty file, expected a header row/],
    ] as const) {
      const path = file(name, text);
      const config = await csvConfig(path);
      config.data.label = label;
      const { tasks, error } = await tasksDuring(() => new ClusteringPipeline().run(config));
      expect(error).toBeInstanceOf(DataFormatError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(message);
      expect(tasks).toEqual([]);
    }
  });

  it('refuses a test file or label without a training file', async () => {
    await expect(resolvePipelineConfig({ set: ['data.testPath=test.csv'] })).rejects.toThrow(
      PipelineConfigError,
    );
    await expect(resolvePipelineConfig({ set: ['data.label=species'] })).rejects.toThrow(
      /"data.label": a test file and a label column need a training CSV/,
    );
  });

  it('matches --test-data columns by header name: swapped headers give the same test split', async () => {
    configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const train = file('train.csv', rows(120, 1, ['a', 'b', 'c', 'label']));
    const plain = file('test.csv', rows(60, 2, ['a', 'b', 'c', 'label']));
    const swapped = file('test-swapped.csv', rows(60, 2, ['label', 'b', 'a', 'c']));
    const pipeline = new ClusteringPipeline();
    const a = await pipeline.prepareData(await csvConfig(train, plain));
    const b = await pipeline.prepareData(await csvConfig(train, swapped));
    expect(b.test.featureNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(b.test.X.data)).toEqual(Array.from(a.test.X.data));
    expect(Array.from(b.test.y)).toEqual(Array.from(a.test.y));
  });

  it('names the test file and its missing or extra columns before training', async () => {
    configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const train = file('train.csv', rows(120, 1, ['a', 'b', 'c', 'label']));
    const lacking = file('test-lacking.csv', rows(60, 2, ['a', 'b', 'label']));
    const config = await csvConfig(train, lacking);
    const { tasks, error } = await tasksDuring(() => new ClusteringPipeline().run(config));
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toBe(
      `${lacking}: the feature columns do not match the training data's "a", "b", "c": missing "c".`,
    );
    expect(tasks).toEqual([]);
  });

  it('names a class too small for the splits, CV folds or calibration, before any model is fitted', async () => {
    configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const text = rows(120, 1, ['a', 'b', 'c', 'label']) + '9,9,9,lonely\n9.5,9,9,lonely\n';
    const config = await csvConfig(file('lonely.csv', text));
    const { tasks, error } = await tasksDuring(() => new ClusteringPipeline().run(config));
    expect(error).toBeInstanceOf(EstimatorInputError);
    expect((error as Error).message).toBe(
      `ClusteringPipeline.split: ${join(dir, 'lonely.csv')}: class "lonely" has 2 rows; the splits need at least 20 rows of each class (split.testSize 0.2, split.calibrationSize 0.2, search.folds 3, calibration.method auto: 2 folds). Add rows of that class, remove it, or lower those settings.`,
    );
    expect(tasks).toEqual(['loadCsv', 'split']);
  });

  it('checks the parts too: the allocation of remainders can leave a class short', () => {
    const y = Int32Array.from([...Array<number>(20).fill(0), ...Array<number>(20).fill(1)]);
    const data = {
      X: denseMatrix(40, 1, new Float64Array(40)),
      y,
      featureNames: ['x'],
      classNames: ['small', 'tiny'],
    };
    const options = { testSize: 0.2, calibrationSize: 0.2, seed: 7 };
    expect(minimumClassRows({ ...options, need: { train: 5, calibration: 2 } }, false)).toBe(20);
    expect(() => splitData(data, null, { ...options, need: { train: 5, calibration: 2 } })).toThrow(
      /class "tiny" has 20 rows, of which the calibration split got 1; it needs at least 2\./,
    );
    expect(splitData(data, null, options).calibration.X.rows).toBe(3);
    expect(() =>
      splitData(data, null, { ...options, need: { train: 17, calibration: 1 } }),
    ).toThrow(/class "small" has 20 rows; the splits need at least \d+ rows of each class/);
  });
});
