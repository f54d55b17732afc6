import type { ConformanceContext } from './conformance.js';

const code = (c: string) => ({ code: c });
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Logged models and the model registry. */
export function conformanceModels({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('models', () => {
    it(
      'logs a model as artifacts with its flavor, signature and metrics',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const bytes = new Uint8Array([9, 8, 7, 6]);
        const signature = {
          inputs: [{ name: 'x', type: 'double' }],
          outputs: [{ type: 'long', shape: [-1] }],
        };
        const m = await tr.logModel(id, {
          name: 'knn',
          bytes,
          flavor: 'tideflow.models.knn',
          signature,
          metrics: { acc: 0.9, ll: Number.NaN },
        });
        expect(m).toMatchObject({
          runId: id,
          name: 'knn',
          artifactPath: 'models/knn/model.bin',
          flavor: 'tideflow.models.knn',
          signature,
          size: 4,
        });
        expect(m.metrics.acc).toBe(0.9);
        expect(m.metrics.ll).toBeNaN();
        expect(await tr.readArtifact(id, 'models/knn/model.bin')).toEqual(bytes);
        const meta = JSON.parse(text(await tr.readArtifact(id, 'models/knn/MLmodel.json'))) as {
          flavor: string;
        };
        expect(meta.flavor).toBe('tideflow.models.knn');
        await tr.logModel(id, { name: 'base', bytes: new Uint8Array([1]), flavor: 'f' });
        const listed = await tr.listLoggedModels(id);
        expect(listed.map((x) => x.name)).toEqual(['base', 'knn']);
        expect(listed[1].metrics.ll).toBeNaN();
        expect(listed[0].signature).toBe(null);
        await expect(tr.logModel(id, { name: 'knn', bytes, flavor: 'f' })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(
          tr.logModel(id, { name: 'x', bytes: [1] as never, flavor: 'f' }),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(tr.logModel(id, { name: 'a/b', bytes, flavor: 'f' })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
      }),
    );

    it(
      'adds no version when the model is identical to the latest one (same bytes)',
      withTracker(async (tr) => {
        const runs: string[] = [];
        for (const bytes of [
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 4],
          [1, 2, 3],
        ]) {
          const run = (await tr.createRun()).info.runId;
          await tr.logModel(run, { name: 'm', bytes: new Uint8Array(bytes), flavor: 'f' });
          runs.push(run);
        }
        const versions = [];
        for (const runId of runs)
          versions.push(await tr.registerModel('dedup', { runId, modelName: 'm' }));
        // The second is the first again; the fourth equals v1 but not the latest (v2), so it is new.
        expect(versions.map((v) => [v.version, v.runId])).toEqual([
          [1, runs[0]],
          [1, runs[0]],
          [2, runs[2]],
          [3, runs[3]],
        ]);
        expect((await tr.getModelVersion('dedup', 'latest')).version).toBe(3);
      }),
    );

    it(
      'registers versions with aliases and resolves them',
      withTracker(async (tr) => {
        const r1 = (await tr.createRun()).info.runId;
        const r2 = (await tr.createRun()).info.runId;
        await tr.logModel(r1, { name: 'clf', bytes: new Uint8Array([1]), flavor: 'f' });
        await tr.logModel(r2, { name: 'best', bytes: new Uint8Array([2]), flavor: 'f' });
        const v1 = await tr.registerModel('clf', { runId: r1 });
        const v2 = await tr.registerModel('clf', {
          runId: r2,
          modelName: 'best',
          description: 'tuned',
        });
        expect(v1).toMatchObject({
          name: 'clf',
          version: 1,
          runId: r1,
          modelName: 'clf',
          source: 'models/clf/model.bin',
          aliases: [],
        });
        expect(v2).toMatchObject({
          version: 2,
          runId: r2,
          modelName: 'best',
          description: 'tuned',
        });
        await tr.setModelAlias('clf', 'champion', 1);
        await tr.setModelAlias('clf', 'challenger', 2);
        expect((await tr.getModelVersion('clf', 'champion')).version).toBe(1);
        expect((await tr.getModelVersion('clf', 1)).aliases).toEqual(['champion']);
        await tr.setModelAlias('clf', 'champion', 2);
        expect((await tr.getModelVersion('clf', 'champion')).aliases).toEqual([
          'challenger',
          'champion',
        ]);
        expect((await tr.getModelVersion('clf', 'latest')).version).toBe(2);
        expect((await tr.getModelVersion('clf', 'v1')).runId).toBe(r1);
        await tr.deleteModelAlias('clf', 'challenger');
        await tr.deleteModelAlias('clf', 'never');
        const [reg] = await tr.listRegisteredModels();
        expect(reg).toMatchObject({ name: 'clf', latestVersion: 2, aliases: { champion: 2 } });
        expect(reg.updatedAt).toBeGreaterThan(reg.createdAt - 1);
        await expect(tr.getModelVersion('clf', 'challenger')).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        await expect(tr.getModelVersion('clf', 3)).rejects.toMatchObject(code('MODEL_NOT_FOUND'));
        await expect(tr.getModelVersion('nope', 1)).rejects.toMatchObject(code('MODEL_NOT_FOUND'));
        await expect(tr.setModelAlias('clf', 'x', 9)).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        await expect(tr.setModelAlias('nope', 'x', 1)).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        for (const alias of ['latest', 'v3', '7', 'has space']) {
          await expect(tr.setModelAlias('clf', alias, 1)).rejects.toMatchObject(
            code('TRACKING_INPUT'),
          );
        }
        await expect(
          tr.registerModel('clf', { runId: r1, modelName: 'missing' }),
        ).rejects.toMatchObject(code('ARTIFACT_NOT_FOUND'));
        expect(await tr.listRegisteredModels()).toHaveLength(1);
      }),
    );
  });
}
