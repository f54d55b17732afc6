import type { ConformanceContext } from './conformance.js';
import type { DatasetInputSpec, DatasetSpec } from './datasets.js';
import type { Tracker } from './tracker-bridge.js';

const iris1: DatasetSpec = {
  name: 'iris',
  digest: 'd1',
  source: 'data/iris.csv',
  schema: [
    { name: 'sepal_length', type: 'double' },
    { name: 'species', type: 'string' },
  ],
  numRows: 150,
};
const iris2: DatasetSpec = { name: 'iris', digest: 'd2', source: 'data/iris-v2.csv' };
const wine: DatasetSpec = {
  name: 'wine',
  digest: 'd3',
  source: 'generated: wine()',
  sourceType: 'generated',
};

interface Fixture {
  exp: string;
  other: string;
  ids: Record<string, string>;
}

/**
 * Runs a..d in one experiment (start times increasing), e in another: a used iris d1 for training
 * and iris d2 for evaluation, b iris d1 for training (logged from another path), c wine without a
 * context, d nothing, e iris d1 for training from a third path.
 */
async function seed(tr: Tracker): Promise<Fixture> {
  const exp = await tr.createExperiment('datasets');
  const other = await tr.createExperiment('datasets-other');
  const plan: [string, string, DatasetInputSpec[]][] = [
    [
      'a',
      exp,
      [
        { dataset: iris1, context: 'training' },
        { dataset: iris2, context: 'evaluation' },
      ],
    ],
    ['b', exp, [{ dataset: { ...iris1, source: 'copy/iris.csv' }, context: 'training' }]],
    ['c', exp, [{ dataset: wine }]],
    ['d', exp, []],
    ['e', other, [{ dataset: { ...iris1, source: 'elsewhere/iris.csv' }, context: 'training' }]],
  ];
  const ids: Record<string, string> = {};
  let start = 1_000;
  for (const [name, experimentId, inputs] of plan) {
    const run = await tr.createRun({ experimentId, name, startTime: (start += 10) });
    ids[name] = run.info.runId;
    if (inputs.length) await tr.logInputs(run.info.runId, inputs);
  }
  return { exp, other, ids };
}

/** Dataset inputs (`logInputs`, `getRunInputs`) and `datasets.*` search clauses. */
export function conformanceDatasets({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('dataset inputs', () => {
    it(
      'stores name, digest, source, schema, row count and context, in logged order',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        expect(await tr.getRunInputs(fx.ids.a)).toEqual([
          {
            dataset: {
              name: 'iris',
              digest: 'd1',
              sourceType: 'local',
              source: 'data/iris.csv',
              schema: [
                { name: 'sepal_length', type: 'double' },
                { name: 'species', type: 'string' },
              ],
              numRows: 150,
            },
            context: 'training',
          },
          {
            dataset: {
              name: 'iris',
              digest: 'd2',
              sourceType: 'local',
              source: 'data/iris-v2.csv',
              schema: null,
              numRows: null,
            },
            context: 'evaluation',
          },
        ]);
        expect(await tr.getRunInputs(fx.ids.c)).toMatchObject([
          { dataset: { sourceType: 'generated' }, context: null },
        ]);
        expect(await tr.getRunInputs(fx.ids.d)).toEqual([]);
      }),
    );

    it(
      'shares a dataset by name and digest within an experiment: the first source is kept, as in MLflow',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        const [b] = await tr.getRunInputs(fx.ids.b);
        expect(b.dataset.source).toBe('data/iris.csv');
        const [e] = await tr.getRunInputs(fx.ids.e);
        expect(e.dataset.source).toBe('elsewhere/iris.csv');
      }),
    );

    it(
      'records the same dataset in the same context once per run, and once per context',
      withTracker(async (tr) => {
        const run = (await tr.createRun()).info.runId;
        const training = { dataset: iris1, context: 'training' };
        await tr.logInputs(run, [training, training]);
        await tr.logInputs(run, [
          training,
          { dataset: { ...iris1, source: 'changed.csv' }, context: 'training' },
        ]);
        expect(await tr.getRunInputs(run)).toHaveLength(1);
        await tr.logInputs(run, [{ dataset: iris1, context: 'evaluation' }, { dataset: iris1 }]);
        expect((await tr.getRunInputs(run)).map((i) => i.context)).toEqual([
          'training',
          'evaluation',
          null,
        ]);
      }),
    );

    it(
      "refuses inputs beyond MLflow's limits, naming the field, and writes nothing of the batch",
      withTracker(async (tr) => {
        const run = (await tr.createRun()).info.runId;
        const bad: [Partial<DatasetSpec>, string | undefined, string][] = [
          [{ name: 'n'.repeat(501) }, undefined, 'name'],
          [{ name: '' }, undefined, 'name'],
          [{ digest: 'x'.repeat(37) }, undefined, 'digest'],
          [{ digest: undefined }, undefined, 'digest'],
          [{ source: undefined }, undefined, 'source'],
          [{ sourceType: 'x'.repeat(37) }, undefined, 'sourceType'],
          [{ numRows: -1 }, undefined, 'numRows'],
          [{ numRows: 1.5 }, undefined, 'numRows'],
          [{ schema: [{ name: 'a' } as never] }, undefined, 'schema[0].type'],
          [{}, 'c'.repeat(501), 'context'],
          [{}, '', 'context'],
        ];
        for (const [change, context, field] of bad) {
          const inputs = [
            { dataset: wine },
            {
              dataset: { ...iris1, ...change },
              ...(context !== undefined && { context }),
            },
          ];
          await expect(tr.logInputs(run, inputs)).rejects.toMatchObject({
            code: 'INVALID_DATASET_INPUT',
            input: 'input 1' + (field === 'name' ? '' : ' ("iris")'),
            field,
          });
        }
        expect(await tr.getRunInputs(run)).toEqual([]);
        // Limits count characters (code points), not UTF-16 units.
        const digest = '😀'.repeat(36);
        await tr.logInputs(run, [{ dataset: { ...wine, digest }, context: '😀'.repeat(500) }]);
        expect((await tr.getRunInputs(run))[0].dataset.digest).toBe(digest);
      }),
    );

    it(
      'rejects inputs to an unknown or deleted run',
      withTracker(async (tr) => {
        await expect(tr.logInputs('nope', [{ dataset: wine }])).rejects.toMatchObject({
          code: 'RUN_NOT_FOUND',
        });
        await expect(tr.getRunInputs('nope')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
        const run = (await tr.createRun()).info.runId;
        await tr.deleteRun(run);
        await expect(tr.logInputs(run, [{ dataset: wine }])).rejects.toMatchObject({
          code: 'DELETED_RUN',
        });
      }),
    );
  });

  describe('searchRuns over datasets', () => {
    const names = async (tr: Tracker, experimentIds: string[], filter: string) =>
      (await tr.searchRuns({ experimentIds, filter })).runs.map((r) => r.info.name);

    it(
      'matches runs with an input satisfying each datasets.* clause (=, !=, LIKE, ILIKE, IN, NOT IN)',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        const n = (filter: string) => names(tr, [fx.exp], filter);
        expect(await n("datasets.name = 'iris'")).toEqual(['b', 'a']);
        expect(await n("datasets.name != 'iris'")).toEqual(['c']);
        expect(await n("datasets.name LIKE 'ir%'")).toEqual(['b', 'a']);
        expect(await n("datasets.name LIKE 'IR%'")).toEqual([]);
        expect(await n("datasets.name ILIKE 'IR%'")).toEqual(['b', 'a']);
        expect(await n("datasets.digest = 'd2'")).toEqual(['a']);
        expect(await n("datasets.digest IN ('d2', 'd3')")).toEqual(['c', 'a']);
        expect(await n("datasets.digest NOT IN ('d1')")).toEqual(['c', 'a']);
        expect(await n("datasets.context = 'training'")).toEqual(['b', 'a']);
        // An input without a context satisfies no context clause, as in MLflow.
        expect(await n("datasets.context != 'training'")).toEqual(['a']);
        expect(await n("datasets.context IN ('evaluation')")).toEqual(['a']);
        expect(await n("datasets.context NOT IN ('training')")).toEqual(['a']);
        // Each clause is satisfied on its own (by any input), as in MLflow.
        expect(await n("datasets.digest = 'd1' and datasets.context = 'evaluation'")).toEqual([
          'a',
        ]);
        expect(await n("datasets.name = 'iris' and attributes.run_name != 'a'")).toEqual(['b']);
        expect(await names(tr, [fx.exp, fx.other], "datasets.digest = 'd1'")).toEqual([
          'e',
          'b',
          'a',
        ]);
      }),
    );
  });
}
