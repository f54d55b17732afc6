import type { ConformanceContext } from './conformance.js';
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
      'orders by metrics, params and attributes with absent values last and NaN above numbers',
      withTracker(async (tr) => {
        const fx = await seed(tr);
        expect(await names(tr, fx, '', ['metrics.acc DESC'])).toEqual(['d', 'a', 'e', 'b', 'c']);
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
        await expect(tr.searchRuns({ maxResults: 0 })).rejects.toMatchObject({
          code: 'TRACKING_INPUT',
        });
      }),
    );

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
