import type { ConformanceContext } from './conformance.js';
import type { ConformanceTestApi } from './conformance.js';
import { TAG_USER } from './tracker.js';
import type { RunStatus } from './tracker.js';
import type { Tracker } from './tracker-bridge.js';

interface Fixture {
  exp: string;
  other: string;
  ids: Record<string, string>;
}

/**
 * Six runs with known values: a..e in one experiment, f in another. `c` lacks `acc`, `d` has NaN
 * accuracy, `e` is FINISHED; start times increase from a to f.
 */
async function seed(tr: Tracker): Promise<Fixture> {
  const exp = await tr.createExperiment('search');
  const other = await tr.createExperiment('other');
  const rows: [string, number | undefined, string, string, RunStatus][] = [
    ['a', 0.95, 'svm', 'alpha', 'FINISHED'],
    ['b', 0.85, 'knn', 'apple', 'FINISHED'],
    ['c', undefined, 'svm', 'beta', 'RUNNING'],
    ['d', Number.NaN, 'nb', 'Alps', 'FAILED'],
    ['e', 0.91, 'svm', 'gamma', 'FINISHED'],
  ];
  const ids: Record<string, string> = {};
  let start = 1_000;
  for (const [name, acc, model, tag, status] of rows) {
    const run = await tr.createRun({ experimentId: exp, name, startTime: (start += 10) });
    ids[name] = run.info.runId;
    await tr.logBatch(run.info.runId, {
      metrics:
        acc === undefined
          ? [{ key: 'val loss', value: 1 }]
          : [
              { key: 'acc', value: acc },
              { key: 'val loss', value: 1 - acc },
            ],
      params: { model, depth: name === 'a' ? 10 : 2 },
      tags: { group: tag },
    });
    await tr.updateRun(run.info.runId, { status, endTime: start + 5 });
  }
  const f = await tr.createRun({ experimentId: other, name: 'f', startTime: (start += 10) });
  ids.f = f.info.runId;
  await tr.logMetric(f.info.runId, 'acc', 0.99);
  return { exp, other, ids };
}

/** searchRuns: filters, order, pages and bad filters. */
export function conformanceSearch({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  const names = async (tr: Tracker, fx: Fixture, filter: string, orderBy?: string[]) =>
    (
      await tr.searchRuns({ experimentIds: [fx.exp], filter, ...(orderBy && { orderBy }) })
    ).runs.map((r) => r.info.name);

  describe('searchRuns', () => {
    it(
      'filters with MLflow syntax over metrics, params, tags and attributes',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        const n = (f: string) => names(tr, fx, f);
        expect(
          await n(`metrics.acc > 0.9 and params.model = 'svm' and attributes.status = 'FINISHED'`),
        ).toEqual(['e', 'a']);
        expect(await n('metrics.acc >= 0.85')).toEqual(['e', 'b', 'a']);
        expect(await n('metrics.acc < 0.9')).toEqual(['b']);
        expect(await n('metrics.acc <= 0.91')).toEqual(['e', 'b']);
        expect(await n('metrics.acc = 0.95')).toEqual(['a']);
        expect(await n('metrics.acc != 0.95')).toEqual(['e', 'd', 'b']);
        expect(await n("params.model != 'svm'")).toEqual(['d', 'b']);
        expect(await n("params.depth = '10'")).toEqual(['a']);
        expect(await n("tags.group LIKE 'a%'")).toEqual(['b', 'a']);
        expect(await n("tags.group ILIKE 'a%'")).toEqual(['d', 'b', 'a']);
        expect(await n("tags.group LIKE '_l%a'")).toEqual(['a']);
        expect(await n("attributes.status != 'FINISHED'")).toEqual(['d', 'c']);
        expect(await n("attributes.run_name IN ('a', 'c', 'zz')")).toEqual(['c', 'a']);
        expect(await n("attributes.status NOT IN ('FINISHED', 'FAILED')")).toEqual(['c']);
        expect(await n('attributes.start_time > 1030')).toEqual(['e', 'd']);
        expect(await n(`attributes.run_id = '${fx.ids.b}'`)).toEqual(['b']);
        expect(await n('metrics.`val loss` < 0.06')).toEqual(['a']);
        expect(await n('metrics.acc IS NULL')).toEqual(['c']);
        expect(
          await n("tags.group IS NOT NULL and tags.missing IS NULL and params.model = 'nb'"),
        ).toEqual(['d']);
        expect(await n('METRICS.acc > 0.9 AND Params.model = "svm"')).toEqual(['e', 'a']);
        expect(await n('')).toEqual(['e', 'd', 'c', 'b', 'a']);
      }),
    );

    it(
      'searches every experiment by default, or only the ones given',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        const all = await tr.searchRuns({ filter: 'metrics.acc > 0.9' });
        expect(all.runs.map((r) => r.info.name)).toEqual(['f', 'e', 'a']);
        const one = await tr.searchRuns({ experimentIds: [fx.other], filter: 'metrics.acc > 0.9' });
        expect(one.runs.map((r) => r.info.name)).toEqual(['f']);
        expect(one.runs[0].data.metrics).toEqual({ acc: 0.99 });
      }),
    );

    it(
      'orders by metrics, params and attributes with NaN after numbers and absent values last',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        expect(await names(tr, fx, '', ['metrics.acc DESC'])).toEqual(['a', 'e', 'b', 'd', 'c']);
        expect(await names(tr, fx, '', ['metrics.acc'])).toEqual(['b', 'e', 'a', 'd', 'c']);
        expect(await names(tr, fx, '', ['metrics.acc ASC'])).toEqual(['b', 'e', 'a', 'd', 'c']);
        expect(await names(tr, fx, '', ['params.model', 'attributes.start_time'])).toEqual([
          'b',
          'd',
          'a',
          'c',
          'e',
        ]);
        expect(await names(tr, fx, '', ['attributes.run_name DESC'])).toEqual([
          'e',
          'd',
          'c',
          'b',
          'a',
        ]);
        expect(await names(tr, fx, '', ['attributes.start_time'])).toEqual([
          'a',
          'b',
          'c',
          'd',
          'e',
        ]);
        expect(await names(tr, fx, '', ['tags.group'])).toEqual(['d', 'a', 'b', 'c', 'e']);
      }),
    );

    it(
      'pages through results with nextPageToken, each run once',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        const seen: string[] = [];
        let pageToken: string | undefined;
        let pages = 0;
        do {
          const page = await tr.searchRuns({
            experimentIds: [fx.exp],
            maxResults: 2,
            ...(pageToken !== undefined && { pageToken }),
          });
          seen.push(...page.runs.map((r) => r.info.name));
          pageToken = page.nextPageToken;
          pages++;
        } while (pageToken !== undefined);
        expect(seen).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(pages).toBe(3);
        await expect(tr.searchRuns({ pageToken: 'garbage!' })).rejects.toMatchObject({
          code: 'TRACKING_INPUT',
        });
        expect(await tr.searchRuns({ experimentIds: [fx.exp], maxResults: 0 })).toEqual({
          runs: [],
        });
        await expect(tr.searchRuns({ maxResults: -1 })).rejects.toMatchObject({
          code: 'TRACKING_INPUT',
        });
      }),
    );

    mlflowParity(t, withTracker);

    it(
      'rejects a malformed filter or order-by with FilterSyntaxError and its position',
      withTracker(async (tr) => {
        await seed(tr);
        const cases: [string, number][] = [
          ["metrics.acc > 0.9 or params.a = 'x'", 18],
          ['metrics.acc >', 13],
          ["metrics.acc > 'high'", 14],
          ['params.model = svm', 15],
          ['foo.bar = 1', 0],
          ["params.a = 'unterminated", 11],
          ['metrics.acc LIKE 1', 12],
          ["attributes.color = 'red'", 0],
          ['metrics.acc > 0.9 metrics.b > 1', 18],
        ];
        for (const [filter, position] of cases) {
          await expect(tr.searchRuns({ filter })).rejects.toMatchObject({
            code: 'FILTER_SYNTAX',
            position,
          });
        }
        await expect(tr.searchRuns({ orderBy: ['metrics.acc SIDEWAYS'] })).rejects.toMatchObject({
          code: 'FILTER_SYNTAX',
          position: 12,
        });
      }),
    );
  });
}

/** The error a promise rejects with; a promise that resolves fails the test. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to reject');
}

/** The cases where MLflow's own search tests (test_search_utils.py, its SQL store) set the rule. */
function mlflowParity(t: ConformanceTestApi, withTracker: ConformanceContext['withTracker']): void {
  const { it, expect } = t;
  const names = async (tr: Tracker, exp: string, filter: string, orderBy?: string[]) =>
    (await tr.searchRuns({ experimentIds: [exp], filter, ...(orderBy && { orderBy }) })).runs.map(
      (r) => r.info.name,
    );

  it(
    'puts NaN after every number in both directions and absent values last (MLflow)',
    withTracker(async (tr) => {
      const exp = await tr.createExperiment('nan-order');
      const values: [string, number | undefined][] = [
        ['nan', Number.NaN],
        ['none', undefined],
        ['minf', -Infinity],
        ['m1000', -1000],
        ['zero', 0],
        ['p1000', 1000],
        ['inf', Infinity],
      ];
      let start = 1;
      for (const [name, x] of values) {
        const run = await tr.createRun({ experimentId: exp, name, startTime: start++ });
        if (x !== undefined) await tr.logMetric(run.info.runId, 'x', x);
      }
      expect(await names(tr, exp, '', ['metrics.x DESC'])).toEqual([
        'inf',
        'p1000',
        'zero',
        'm1000',
        'minf',
        'nan',
        'none',
      ]);
      expect(await names(tr, exp, '', ['metrics.x ASC'])).toEqual([
        'minf',
        'm1000',
        'zero',
        'p1000',
        'inf',
        'nan',
        'none',
      ]);
    }),
  );

  it(
    'orders strings by code point, as SQLite and MLflow do',
    withTracker(async (tr) => {
      const exp = await tr.createExperiment('code-points');
      // UTF-16 puts the emoji (a surrogate pair, 0xD83D...) before U+FF21; code points do not.
      const values: [string, string][] = [
        ['\u{1F600}', 'emoji'],
        ['\uFF21', 'fullwidth'],
        ['z', 'ascii'],
      ];
      let start = 1;
      for (const [value, name] of values) {
        const run = await tr.createRun({ experimentId: exp, name: value, startTime: start++ });
        await tr.logBatch(run.info.runId, { params: { p: value }, tags: { t: value, n: name } });
      }
      const order = async (orderBy: string) =>
        (await tr.searchRuns({ experimentIds: [exp], orderBy: [orderBy] })).runs.map(
          (r) => r.data.tags.n,
        );
      expect(await order('params.p ASC')).toEqual(['ascii', 'fullwidth', 'emoji']);
      expect(await order('tags.t DESC')).toEqual(['emoji', 'fullwidth', 'ascii']);
      expect(await order('attributes.run_name ASC')).toEqual(['ascii', 'fullwidth', 'emoji']);
    }),
  );

  it(
    'refuses what MLflow refuses: <>, wrong-case attributes, padded or repeated order-by fields',
    withTracker(async (tr) => {
      const filters: [string, number, RegExp][] = [
        ['metrics.acc <> 1', 12, /invalid comparator "<>"/],
        ["attributes.STATUS = 'FAILED'", 0, /unknown attribute "STATUS".*case-sensitive/],
        ["Status = 'FAILED'", 0, /unknown attribute "Status"/],
      ];
      for (const [filter, position, message] of filters) {
        const e = await rejection(tr.searchRuns({ filter }));
        expect(e).toMatchObject({ code: 'FILTER_SYNTAX', position });
        expect(e.message).toMatch(message);
      }
      const orders: [string[], RegExp][] = [
        [['params.my_param '], /whitespace after/],
        [[' params.my_param'], /whitespace before/],
        [['param.p', 'param.p'], /`order_by` contains duplicate fields/],
        [['params.p ASC', 'parameters.p DESC'], /duplicate fields: params\.p/],
      ];
      for (const [orderBy, message] of orders) {
        const e = await rejection(tr.searchRuns({ orderBy }));
        expect(e).toMatchObject({ code: 'FILTER_SYNTAX' });
        expect(e.message).toMatch(message);
      }
    }),
  );

  it(
    'reads unprefixed and back-quoted names, run-name aliases, user_id and artifact_uri',
    withTracker(async (tr) => {
      const exp = await tr.createExperiment('names');
      const a = await tr.createRun({ experimentId: exp, name: 'a', startTime: 10 });
      const b = await tr.createRun({
        experimentId: exp,
        name: 'b',
        startTime: 20,
        tags: { [TAG_USER]: 'alice' },
      });
      await tr.logBatch(a.info.runId, { metrics: [{ key: 'acc', value: 0.9 }], tags: { x: '1' } });
      const n = (filter: string, orderBy?: string[]) => names(tr, exp, filter, orderBy);
      expect(
        await n(`run_name = 'a' AND run_id IN ('${a.info.runId}', '${b.info.runId}')`),
      ).toEqual(['a']);
      expect(await n('', ['start_time ASC'])).toEqual(['a', 'b']);
      expect(await n('', ['start_time DESC'])).toEqual(['b', 'a']);
      expect(await n('`metric`.acc > 0.5')).toEqual(['a']);
      expect(await n("`tags`.x = '1'")).toEqual(['a']);
      expect(await n("attributes.`Run name` = 'b'")).toEqual(['b']);
      expect(await n("`run name` = 'b'")).toEqual(['b']);
      expect(await n("attributes.`Run Name` LIKE '_'", ['`Run name` DESC'])).toEqual(['b', 'a']);
      expect(await n('Created > 15')).toEqual(['b']);
      expect(await n("attributes.user_id = 'alice'")).toEqual(['b']);
      const own = a.data.tags[TAG_USER];
      if (own !== undefined) expect(await n(`user_id = '${own}'`)).toEqual(['a']);
      expect(await n(`attributes.artifact_uri LIKE '%${a.info.runId}'`)).toEqual(['a']);
      expect(await n(`attributes.artifact_uri != '${a.info.runId}'`)).toEqual(['b', 'a']);
    }),
  );

  it(
    'counts string limits in characters (code points), not UTF-16 units',
    withTracker(async (tr) => {
      const run = await tr.createRun();
      const emoji = '\u{1F600}';
      await tr.logParam(run.info.runId, 'p', emoji.repeat(6000));
      await tr.setTag(run.info.runId, 't', emoji.repeat(8000));
      expect([...(await tr.getRun(run.info.runId)).data.params.p]).toHaveLength(6000);
      const e = await rejection(tr.logParam(run.info.runId, 'q', emoji.repeat(6001)));
      expect(e).toMatchObject({ code: 'TRACKING_INPUT' });
      expect(e.message).toMatch(/6001 characters/);
    }),
  );
}
