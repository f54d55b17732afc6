import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { cli, seed, workspace } from './helpers.js';

const ws = workspace();

beforeAll(async () => {
  const ids = await seed(ws.cwd);
  // A second version, registered with tags (as the pipeline registers its models).
  const t = new SqliteTracker({ path: join(ws.cwd, '.tideflow', 'tideflow.db') });
  const svm = ids['svm-tuned-with-a-very-long-descriptive-run-name'];
  await t.logModel(svm, { name: 'svm', bytes: new Uint8Array(10), flavor: 'tideflow.models' });
  await t.registerModel('classifier', {
    runId: svm,
    modelName: 'svm',
    description: 'tuned SVM',
    tags: { 'data.train_digest': 'a1b2c3d4' },
  });
  await t.close();
});

describe('tideflow models tag|description', () => {
  it('sets and deletes tags of a registered model and of a version; show prints them', async () => {
    expect((await cli(ws, 'models', 'tag', 'set', 'classifier', 'team', 'ml')).stdout).toBe(
      'classifier: team=ml\n',
    );
    expect(
      (await cli(ws, 'models', 'tag', 'set', 'classifier', 'v2', 'stage', 'prod')).stdout,
    ).toBe('classifier v2: stage=prod\n');
    await cli(ws, 'models', 'tag', 'set', 'classifier', '1', 'stage', 'retired');
    const show = (await cli(ws, 'models', 'show', 'classifier')).stdout;
    expect(show).toMatch(/v2 description +tuned SVM\n/);
    expect(show).toMatch(/\nTags\n {2}KEY +VALUE\n {2}team +ml\n/);
    expect(show).toMatch(
      /\nTags \(v2\)\n {2}KEY +VALUE\n {2}data\.train_digest +a1b2c3d4\n {2}stage +prod\n/,
    );
    const json = JSON.parse((await cli(ws, 'models', 'show', 'classifier', '--json')).stdout);
    expect(json.tags).toEqual({ team: 'ml' });
    expect(json.latestVersion.tags).toEqual({ 'data.train_digest': 'a1b2c3d4', stage: 'prod' });
    const versions = JSON.parse(
      (await cli(ws, 'models', 'versions', 'classifier', '--json')).stdout,
    ).versions;
    expect(versions.map((v: { tags: Record<string, string> }) => v.tags)).toEqual([
      { stage: 'retired' },
      { 'data.train_digest': 'a1b2c3d4', stage: 'prod' },
    ]);

    expect((await cli(ws, 'models', 'tag', 'delete', 'classifier', 'v2', 'stage')).stdout).toBe(
      'Removed tag stage of classifier v2.\n',
    );
    const gone = await cli(ws, 'models', 'tag', 'delete', 'classifier', 'v2', 'stage');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/classifier v2 has no tag "stage" \(tags: data\.train_digest\)/);
    expect((await cli(ws, 'models', 'tag', 'delete', 'classifier', 'team')).code).toBe(0);
    const ls = JSON.parse((await cli(ws, 'models', 'ls', '--json')).stdout);
    expect(ls.models[0]).toMatchObject({ name: 'classifier', tags: {}, description: null });
  });

  it('sets and clears descriptions', async () => {
    await cli(ws, 'models', 'description', 'set', 'classifier', 'Blob classifiers');
    await cli(ws, 'models', 'description', 'set', 'classifier', '2', 'tuned SVM, C=10');
    let show = (await cli(ws, 'models', 'show', 'classifier')).stdout;
    expect(show).toMatch(
      /\n {2}Description +Blob classifiers\n {2}v2 description +tuned SVM, C=10\n/,
    );
    expect((await cli(ws, 'models', 'description', 'delete', 'classifier')).stdout).toBe(
      'Cleared the description of classifier.\n',
    );
    await cli(ws, 'models', 'description', 'delete', 'classifier', 'v2');
    show = (await cli(ws, 'models', 'show', 'classifier')).stdout;
    expect(show).not.toMatch(/description/i);
  });

  it('names what is wrong: usage, version, key, model', async () => {
    const usage = await cli(ws, 'models', 'tag', 'set', 'classifier', 'key');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/Expected NAME \[VERSION\] KEY VALUE/);
    const version = await cli(ws, 'models', 'tag', 'set', 'classifier', 'three', 'k', 'v');
    expect(version.stderr).toMatch(/Invalid version "three"/);
    const missing = await cli(ws, 'models', 'tag', 'set', 'classifier', '9', 'k', 'v');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/classifier/);
    const key = await cli(ws, 'models', 'tag', 'set', 'classifier', '../up', 'v');
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/Invalid tag key "\.\.\/up"/);
    const model = await cli(ws, 'models', 'tag', 'delete', 'nope', 'k');
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/nope/);
    const long = await cli(ws, 'models', 'description', 'set', 'classifier', 'd'.repeat(5001));
    expect(long.stderr).toMatch(/5001 characters; the limit is 5000/);
  });
});

describe('tideflow models over registry edits (made through the API or MLflow routes)', () => {
  it('lists and shows a registered model with no versions, and skips deleted versions', async () => {
    const own = workspace();
    const ids = await seed(own.cwd);
    const t = new SqliteTracker({ path: join(own.cwd, '.tideflow', 'tideflow.db') });
    await t.createRegisteredModel('planned', { description: 'not trained yet' });
    const runId = Object.values(ids)[0];
    await t.logModel(runId, { name: 'm', bytes: new Uint8Array([1, 2]), flavor: 'f' });
    await t.registerModel('classifier', { runId, modelName: 'm' });
    await t.deleteModelVersion('classifier', 1);
    await t.close();

    const ls = (await cli(own, 'models', 'ls')).stdout;
    expect(ls).toMatch(/\nplanned +- +-/);
    const show = await cli(own, 'models', 'show', 'planned');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Model planned\n {2}Latest +- \(no versions yet\)\n/);
    expect(show.stdout).toMatch(/Description +not trained yet\n/);
    const json = JSON.parse((await cli(own, 'models', 'show', 'planned', '--json')).stdout);
    expect(json).toMatchObject({ name: 'planned', latestVersion: null, aliases: {} });
    const versions = JSON.parse(
      (await cli(own, 'models', 'versions', 'classifier', '--json')).stdout,
    ).versions as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual([2]);
    const none = await cli(own, 'models', 'show', 'nope');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No model "nope"/);
  });
});
