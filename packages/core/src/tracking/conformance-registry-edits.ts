import type { ConformanceContext } from './conformance.js';
import type { Tracker } from './tracker-bridge.js';

const code = (c: string) => ({ code: c });

/** A run that logged `models/<name>`, ready to register. */
async function runWithModel(tr: Tracker, name = 'm', bytes = [1, 2, 3]): Promise<string> {
  const runId = (await tr.createRun()).info.runId;
  await tr.logModel(runId, { name, bytes: new Uint8Array(bytes), flavor: 'f' });
  return runId;
}

/**
 * Creating, renaming and deleting registered models and deleting versions
 * (`TrackerStore.insertRegisteredModel`, `renameRegisteredModel`, `deleteRegisteredModel`,
 * `deleteModelVersion`), as MLflow's client.
 */
export function conformanceRegistryEdits({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('registry edits', () => {
    it(
      'creates an empty registered model that versions are then registered to',
      withTracker(async (tr) => {
        const created = await tr.createRegisteredModel('clf', {
          description: 'the classifier',
          tags: JSON.parse('{"team":"ml","__proto__":"kept"}') as Record<string, string>,
        });
        expect(created).toMatchObject({
          name: 'clf',
          latestVersion: 0,
          aliases: {},
          description: 'the classifier',
        });
        expect(created.updatedAt).toBe(created.createdAt);
        expect(Object.keys(created.tags).sort()).toEqual(['__proto__', 'team']);
        expect(Object.hasOwn(created.tags, '__proto__')).toBe(true);
        expect(await tr.listModelVersions('clf')).toEqual([]);
        expect((await tr.listRegisteredModels()).map((m) => m.name)).toEqual(['clf']);
        await expect(tr.getModelVersion('clf', 'latest')).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        await expect(tr.createRegisteredModel('clf')).rejects.toMatchObject(
          code('MODEL_ALREADY_EXISTS'),
        );
        const runId = await runWithModel(tr);
        const v1 = await tr.registerModel('clf', { runId, modelName: 'm' });
        expect(v1.version).toBe(1);
        const model = await tr.getRegisteredModel('clf');
        expect(model).toMatchObject({ latestVersion: 1, description: 'the classifier' });
        expect(model.createdAt).toBe(created.createdAt);
        // A name registered through a first version is taken too.
        await tr.registerModel('other', { runId, modelName: 'm' });
        await expect(tr.createRegisteredModel('other')).rejects.toMatchObject(
          code('MODEL_ALREADY_EXISTS'),
        );
        const bare = await tr.createRegisteredModel('__proto__');
        expect(bare).toMatchObject({ name: '__proto__', latestVersion: 0, description: null });
        expect(bare.tags).toEqual({});
      }),
    );

    it(
      'refuses bad names, descriptions and tags before writing anything',
      withTracker(async (tr) => {
        for (const name of ['', '   ', 42, null, 'x'.repeat(300)])
          await expect(tr.createRegisteredModel(name as string)).rejects.toMatchObject(
            code('TRACKING_INPUT'),
          );
        await expect(
          tr.createRegisteredModel('a', { description: 'x'.repeat(5001) }),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(
          tr.createRegisteredModel('a', { tags: { k: 1 } as never }),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(tr.createRegisteredModel('a', { tags: [] as never })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        expect(await tr.listRegisteredModels()).toEqual([]);
        await tr.createRegisteredModel('a');
        await expect(tr.renameRegisteredModel('a', '')).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.deleteModelVersion('a', 0)).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(tr.deleteModelVersion('a', 1.5)).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(tr.deleteModelVersion('a', null as never)).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.deleteRegisteredModel('')).rejects.toMatchObject(code('TRACKING_INPUT'));
        expect((await tr.listRegisteredModels()).map((m) => m.name)).toEqual(['a']);
      }),
    );

    it(
      'renames a registered model, keeping its versions, aliases, tags and description',
      withTracker(async (tr) => {
        const runId = await runWithModel(tr);
        await tr.registerModel('old', { runId, modelName: 'm', tags: { stage: 'dev' } });
        await tr.registerModel('old', {
          runId: await runWithModel(tr, 'm', [4]),
          modelName: 'm',
        });
        await tr.setModelAlias('old', 'champion', 1);
        await tr.setRegisteredModelTag('old', 'team', 'ml');
        await tr.updateRegisteredModel('old', { description: 'desc' });
        const before = await tr.getRegisteredModel('old');
        await tr.createRegisteredModel('taken');
        await expect(tr.renameRegisteredModel('old', 'taken')).rejects.toMatchObject(
          code('MODEL_ALREADY_EXISTS'),
        );
        await expect(tr.renameRegisteredModel('missing', 'x')).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        await tr.renameRegisteredModel('old', 'new');
        expect((await tr.listRegisteredModels()).map((m) => m.name)).toEqual(['new', 'taken']);
        await expect(tr.getRegisteredModel('old')).rejects.toMatchObject(code('MODEL_NOT_FOUND'));
        const after = await tr.getRegisteredModel('new');
        expect(after).toMatchObject({
          name: 'new',
          createdAt: before.createdAt,
          latestVersion: 2,
          aliases: { champion: 1 },
          tags: { team: 'ml' },
          description: 'desc',
        });
        expect(after.updatedAt >= before.updatedAt).toBe(true);
        const v1 = await tr.getModelVersion('new', 'champion');
        expect(v1).toMatchObject({ name: 'new', version: 1, runId, tags: { stage: 'dev' } });
        expect(v1.aliases).toEqual(['champion']);
        expect((await tr.listModelVersions('new')).map((v) => v.version)).toEqual([1, 2]);
        // Metadata edits and new versions follow the new name; the old one is free again.
        await tr.setModelVersionTag('new', 2, 'k', 'v');
        expect((await tr.registerModel('new', { runId, modelName: 'm' })).version).toBe(3);
        await tr.createRegisteredModel('old');
        await tr.renameRegisteredModel('taken', 'taken');
        expect((await tr.getRegisteredModel('taken')).name).toBe('taken');
      }),
    );

    it(
      'deletes a version with its aliases, never giving its number again',
      withTracker(async (tr) => {
        const runs = [
          await runWithModel(tr, 'm', [1]),
          await runWithModel(tr, 'm', [2]),
          await runWithModel(tr, 'm', [3]),
        ];
        for (const runId of runs) await tr.registerModel('clf', { runId, modelName: 'm' });
        await tr.setModelAlias('clf', 'champion', 2);
        await tr.setModelAlias('clf', 'backup', 1);
        await tr.setModelVersionTag('clf', 2, 'k', 'v');
        await tr.deleteModelVersion('clf', 2);
        await expect(tr.getModelVersion('clf', 2)).rejects.toMatchObject(code('MODEL_NOT_FOUND'));
        await expect(tr.getModelVersion('clf', 'champion')).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        await expect(tr.deleteModelVersion('clf', 2)).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        await expect(tr.deleteModelVersion('nope', 1)).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        const model = await tr.getRegisteredModel('clf');
        expect(model).toMatchObject({ latestVersion: 3, aliases: { backup: 1 } });
        expect((await tr.listModelVersions('clf')).map((v) => v.version)).toEqual([1, 3]);
        // The latest version goes: `latest` is the highest left; a new one still takes 4.
        await tr.deleteModelVersion('clf', 3);
        expect((await tr.getModelVersion('clf', 'latest')).version).toBe(1);
        expect((await tr.getRegisteredModel('clf')).latestVersion).toBe(1);
        const v4 = await tr.registerModel('clf', {
          runId: await runWithModel(tr, 'm', [4]),
          modelName: 'm',
        });
        expect(v4.version).toBe(4);
        expect(v4.tags).toEqual({});
        await tr.deleteModelVersion('clf', 1);
        await tr.deleteModelVersion('clf', 4);
        expect(await tr.getRegisteredModel('clf')).toMatchObject({
          latestVersion: 0,
          aliases: {},
        });
        expect(await tr.listModelVersions('clf')).toEqual([]);
        // The logged models stay with their runs.
        expect((await tr.listLoggedModels(runs[1])).map((m) => m.name)).toEqual(['m']);
      }),
    );

    it(
      'deletes a registered model with its versions, aliases and tags',
      withTracker(async (tr) => {
        const runId = await runWithModel(tr);
        await tr.registerModel('gone', { runId, modelName: 'm', tags: { a: 'b' } });
        await tr.setModelAlias('gone', 'champion', 1);
        await tr.setRegisteredModelTag('gone', 'team', 'ml');
        await tr.registerModel('kept', { runId, modelName: 'm' });
        await tr.deleteRegisteredModel('gone');
        expect((await tr.listRegisteredModels()).map((m) => m.name)).toEqual(['kept']);
        await expect(tr.getModelVersion('gone', 1)).rejects.toMatchObject(code('MODEL_NOT_FOUND'));
        await expect(tr.deleteRegisteredModel('gone')).rejects.toMatchObject(
          code('MODEL_NOT_FOUND'),
        );
        // The name can be used again, from scratch.
        const again = await tr.registerModel('gone', { runId, modelName: 'm' });
        expect(again).toMatchObject({ version: 1, aliases: [], tags: {} });
        expect(await tr.getRegisteredModel('gone')).toMatchObject({ aliases: {}, tags: {} });
        expect((await tr.getModelVersion('kept', 1)).runId).toBe(runId);
      }),
    );
  });
}
