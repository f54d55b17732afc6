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

    it(
      'gets one registered model as the listing gives it, and only that one',
      withTracker(async (tr) => {
        const run = (await tr.createRun()).info.runId;
        await tr.logModel(run, { name: 'a', bytes: new Uint8Array([1]), flavor: 'f' });
        await tr.logModel(run, { name: 'b', bytes: new Uint8Array([2]), flavor: 'f' });
        // Names a filter could confuse: a prefix, a LIKE pattern, an inherited key.
        for (const name of ['clf', 'clf2', 'cl_', '__proto__', 'toString']) {
          await tr.registerModel(name, { runId: run, modelName: 'a', tags: { team: name } });
          await tr.registerModel(name, { runId: run, modelName: 'b' });
          await tr.setModelAlias(name, `best_${name.replace(/\W/g, '')}`, 1);
        }
        await tr.setRegisteredModelTag('clf', 'stage', 'prod');
        for (const listed of await tr.listRegisteredModels())
          expect(await tr.getRegisteredModel(listed.name)).toEqual(listed);
        expect(await tr.getRegisteredModel('clf')).toMatchObject({
          latestVersion: 2,
          aliases: { best_clf: 1 },
          tags: { stage: 'prod' },
        });
        for (const unknown of ['nope', 'cl%', 'CLF', 'constructor'])
          await expect(tr.getRegisteredModel(unknown)).rejects.toMatchObject(
            code('MODEL_NOT_FOUND'),
          );
        await expect(tr.getRegisteredModel('')).rejects.toMatchObject(code('TRACKING_INPUT'));
      }),
    );

    it(
      "lists a model's versions oldest first, each as getModelVersion gives it",
      withTracker(async (tr) => {
        const run = (await tr.createRun()).info.runId;
        for (const [name, byte] of [
          ['a', 1],
          ['b', 2],
        ] as const)
          await tr.logModel(run, { name, bytes: new Uint8Array([byte]), flavor: 'f' });
        // Twelve versions (two-digit numbers sort after 1..9 numerically, not as text), and
        // models whose names share a prefix or hold LIKE wildcards, which must not mix.
        for (let v = 1; v <= 12; v++) {
          await tr.registerModel('clf', {
            runId: run,
            modelName: v % 2 ? 'a' : 'b',
            ...(v === 3 ? { description: 'third' } : {}),
            tags:
              v === 2
                ? (JSON.parse('{"z":"1","__proto__":"p","a":"2"}') as Record<string, string>)
                : {},
          });
        }
        await tr.registerModel('clf2', { runId: run, modelName: 'a' });
        await tr.registerModel('cl_', { runId: run, modelName: 'a' });
        await tr.setModelAlias('clf', 'champion', 10);
        await tr.setModelAlias('clf', 'backup', 10);
        await tr.setModelAlias('clf', 'old', 2);
        await tr.setModelAlias('clf2', 'other', 1);
        await tr.setModelVersionTag('clf', 10, 'k', 'v');

        const listed = await tr.listModelVersions('clf');
        expect(listed.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        const one = [];
        for (let v = 1; v <= 12; v++) one.push(await tr.getModelVersion('clf', v));
        expect(listed).toEqual(one);
        expect(listed[9].aliases).toEqual(['backup', 'champion']);
        expect(listed[9].tags).toEqual({ k: 'v' });
        expect(listed[2].description).toBe('third');
        expect(Object.keys(listed[1].tags)).toEqual(['__proto__', 'a', 'z']);
        expect(Object.hasOwn(listed[1].tags, '__proto__')).toBe(true);
        expect(listed[1].aliases).toEqual(['old']);
        expect(listed[0]).toMatchObject({ aliases: [], tags: {}, description: null });
        expect((await tr.listModelVersions('clf2')).map((v) => [v.version, v.aliases])).toEqual([
          [1, ['other']],
        ]);
        expect((await tr.listModelVersions('cl_')).map((v) => v.name)).toEqual(['cl_']);
        for (const unknown of ['nope', 'cl%', 'CLF'])
          await expect(tr.listModelVersions(unknown)).rejects.toMatchObject(
            code('MODEL_NOT_FOUND'),
          );
        await expect(tr.listModelVersions('')).rejects.toMatchObject(code('TRACKING_INPUT'));
      }),
    );

    it(
      'keeps tags and descriptions of registered models and versions (MLflow registry metadata)',
      withTracker(async (tr) => {
        const run = (await tr.createRun()).info.runId;
        const other = (await tr.createRun()).info.runId;
        await tr.logModel(run, { name: 'm', bytes: new Uint8Array([1]), flavor: 'f' });
        await tr.logModel(other, { name: 'm', bytes: new Uint8Array([2]), flavor: 'f' });
        // A key such as __proto__ is a plain tag, kept as an own key.
        const tags = { 'data.digest': 'abc', ['__proto__']: 'p', family: 'knn' };
        const v1 = await tr.registerModel('meta', { runId: run, modelName: 'm', tags });
        expect(v1.tags).toEqual(tags);
        expect(Object.getPrototypeOf(v1.tags)).toBe(Object.prototype);
        expect(v1.updatedAt).toBe(v1.createdAt);
        const v2 = await tr.registerModel('meta', { runId: other, modelName: 'm' });
        expect(v2).toMatchObject({ version: 2, tags: {}, description: null });
        // An identical model adds no version; the version it returns keeps its own tags.
        expect(
          await tr.registerModel('meta', { runId: other, modelName: 'm', tags: { x: 'y' } }),
        ).toMatchObject({ version: 2, tags: {} });

        const later = async (): Promise<void> => new Promise((r) => setTimeout(r, 5));
        await later();
        await tr.setModelVersionTag('meta', 1, 'stage', 'staging');
        await tr.setModelVersionTag('meta', 1, 'stage', 'prod');
        await tr.deleteModelVersionTag('meta', 1, 'family');
        await tr.deleteModelVersionTag('meta', 1, 'never-set');
        await tr.updateModelVersion('meta', 1, { description: 'tuned kNN' });
        const got = await tr.getModelVersion('meta', 1);
        expect(got.tags).toEqual({ 'data.digest': 'abc', ['__proto__']: 'p', stage: 'prod' });
        expect(got.description).toBe('tuned kNN');
        expect(got.updatedAt).toBeGreaterThan(v1.updatedAt);
        expect((await tr.getModelVersion('meta', 2)).tags).toEqual({});

        await tr.setRegisteredModelTag('meta', 'team', 'ml');
        await tr.setRegisteredModelTag('meta', 'task', 'classification');
        await tr.deleteRegisteredModelTag('meta', 'task');
        await tr.updateRegisteredModel('meta', { description: 'blobs classifier' });
        let [reg] = await tr.listRegisteredModels();
        expect(reg).toMatchObject({ tags: { team: 'ml' }, description: 'blobs classifier' });
        expect(reg.updatedAt).toBeGreaterThan(v1.createdAt);
        await tr.updateRegisteredModel('meta', { description: null });
        await tr.updateModelVersion('meta', 1, { description: null });
        [reg] = await tr.listRegisteredModels();
        expect(reg.description).toBe(null);
        expect((await tr.getModelVersion('meta', 1)).description).toBe(null);
        // 8,000 characters of emoji are 16,000 UTF-16 units: within the limit, as MLflow counts.
        await tr.setModelVersionTag('meta', 2, 'long', '😀'.repeat(8000));
        expect((await tr.getModelVersion('meta', 2)).tags.long).toHaveLength(16000);

        const notFound = code('MODEL_NOT_FOUND');
        await expect(tr.setRegisteredModelTag('nope', 'k', 'v')).rejects.toMatchObject(notFound);
        await expect(tr.setModelVersionTag('meta', 3, 'k', 'v')).rejects.toMatchObject(notFound);
        await expect(tr.deleteModelVersionTag('meta', 9, 'k')).rejects.toMatchObject(notFound);
        await expect(tr.deleteRegisteredModelTag('nope', 'k')).rejects.toMatchObject(notFound);
        await expect(tr.updateModelVersion('meta', 3, { description: 'x' })).rejects.toMatchObject(
          notFound,
        );
        await expect(tr.updateRegisteredModel('nope', { description: 'x' })).rejects.toMatchObject(
          notFound,
        );
        const bad = code('TRACKING_INPUT');
        for (const key of ['', '../up', 'a//b', 'semi;colon', 'k'.repeat(251)])
          await expect(tr.setModelVersionTag('meta', 1, key, 'v')).rejects.toMatchObject(bad);
        await expect(tr.setRegisteredModelTag('meta', 'k', 'v'.repeat(8001))).rejects.toMatchObject(
          bad,
        );
        await expect(
          tr.setRegisteredModelTag('meta', 'k', 1 as unknown as string),
        ).rejects.toMatchObject(bad);
        for (const version of [0, 1.5, -1, '1' as unknown as number])
          await expect(tr.setModelVersionTag('meta', version, 'k', 'v')).rejects.toMatchObject(bad);
        await expect(
          tr.updateRegisteredModel('meta', { description: 'd'.repeat(5001) }),
        ).rejects.toMatchObject(bad);
        await expect(
          tr.updateRegisteredModel('meta', {} as { description: null }),
        ).rejects.toMatchObject(bad);
        await expect(
          tr.registerModel('meta', { runId: run, modelName: 'm', tags: { 'a//b': 'v' } }),
        ).rejects.toMatchObject(bad);
        await expect(
          tr.registerModel('meta', { runId: run, modelName: 'm', description: 'd'.repeat(5001) }),
        ).rejects.toMatchObject(bad);
        expect((await tr.getModelVersion('meta', 'latest')).version).toBe(2);
        // Tags come back sorted by key.
        expect(Object.keys((await tr.getModelVersion('meta', 1)).tags)).toEqual([
          '__proto__',
          'data.digest',
          'stage',
        ]);
      }),
    );
  });
}
