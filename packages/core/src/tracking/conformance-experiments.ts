import type { ConformanceContext } from './conformance.js';

const code = (c: string) => ({ code: c });

/**
 * Renaming experiments and setting their tags (`TrackerStore.updateExperiment`), deleting and
 * restoring them (`setExperimentLifecycle`).
 */
export function conformanceExperimentEdits({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('experiment edits', () => {
    it(
      'deletes an experiment with its runs, refuses new runs in it, and restores both',
      withTracker(async (tr) => {
        const id = await tr.createExperiment('doomed');
        const other = await tr.createExperiment('kept');
        const run = (await tr.createRun({ experimentId: id })).info.runId;
        const bystander = (await tr.createRun({ experimentId: other })).info.runId;
        await tr.deleteExperiment(id);
        await tr.deleteExperiment(id);
        expect((await tr.getExperiment(id)).lifecycleStage).toBe('deleted');
        expect((await tr.listExperiments()).map((e) => e.name)).not.toContain('doomed');
        expect((await tr.getRun(run)).info.lifecycleStage).toBe('deleted');
        expect((await tr.getRun(bystander)).info.lifecycleStage).toBe('active');
        expect((await tr.searchRuns({ experimentIds: [id] })).runs).toEqual([]);
        const refused = await tr.createRun({ experimentId: id }).then(
          () => undefined,
          (e: unknown) => e as { code?: string; message?: string },
        );
        expect(refused?.code).toBe('TRACKING_INPUT');
        expect(refused?.message?.includes('"doomed"')).toBe(true);
        // The name stays taken, as in MLflow.
        await expect(tr.createExperiment('doomed')).rejects.toMatchObject(
          code('EXPERIMENT_ALREADY_EXISTS'),
        );
        await tr.restoreExperiment(id);
        expect((await tr.getExperiment(id)).lifecycleStage).toBe('active');
        expect((await tr.getRun(run)).info.lifecycleStage).toBe('active');
        await tr.createRun({ experimentId: id });
        await expect(tr.deleteExperiment('0')).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(tr.deleteExperiment('424242')).rejects.toMatchObject(
          code('EXPERIMENT_NOT_FOUND'),
        );
        await expect(tr.restoreExperiment('424242')).rejects.toMatchObject(
          code('EXPERIMENT_NOT_FOUND'),
        );
      }),
    );

    it(
      'knows an experiment by its id exactly: a string that only reads as the same number names none',
      withTracker(async (tr) => {
        const id = await tr.createExperiment('one');
        const run = (await tr.createRun({ experimentId: id })).info.runId;
        // "00" must not reach the Default experiment "0", which cannot be deleted.
        for (const lookalike of [
          '00',
          `0${id}`,
          ` ${id}`,
          `${id}.0`,
          `+${id}`,
          '-0',
          '1e0',
          '9007199254740993',
        ]) {
          await expect(tr.getExperiment(lookalike)).rejects.toMatchObject(
            code('EXPERIMENT_NOT_FOUND'),
          );
          await expect(
            tr.renameExperiment(lookalike, `renamed ${lookalike}`),
          ).rejects.toMatchObject(code('EXPERIMENT_NOT_FOUND'));
          await expect(tr.deleteExperiment(lookalike)).rejects.toMatchObject(
            code('EXPERIMENT_NOT_FOUND'),
          );
          await expect(tr.createRun({ experimentId: lookalike })).rejects.toMatchObject(
            code('EXPERIMENT_NOT_FOUND'),
          );
          expect((await tr.searchRuns({ experimentIds: [lookalike] })).runs).toEqual([]);
        }
        expect((await tr.getExperiment('0')).lifecycleStage).toBe('active');
        expect((await tr.getExperiment(id)).name).toBe('one');
        expect(
          (await tr.searchRuns({ experimentIds: [id] })).runs.map((r) => r.info.runId),
        ).toEqual([run]);
      }),
    );

    it(
      'renames an experiment and sets its tags, keeping the others',
      withTracker(async (tr) => {
        const id = await tr.createExperiment('draft', { tags: { team: 'ml' } });
        const before = (await tr.getExperiment(id)).lastUpdateTime;
        await tr.renameExperiment(id, 'final');
        await tr.setExperimentTag(id, 'stage', 'prod');
        await tr.setExperimentTag(id, 'team', 'data');
        await tr.setExperimentTag(id, '__proto__', 'x');
        const e = await tr.getExperiment(id);
        expect(e).toMatchObject({ experimentId: id, name: 'final' });
        expect(Object.entries(e.tags).sort()).toEqual([
          ['__proto__', 'x'],
          ['stage', 'prod'],
          ['team', 'data'],
        ]);
        expect(e.lastUpdateTime).toBeGreaterThan(before - 1);
        expect(await tr.getExperimentByName('draft')).toBeUndefined();
        expect((await tr.getExperimentByName('final'))?.experimentId).toBe(id);
        // The same name again is fine; another experiment's is not.
        await tr.renameExperiment(id, 'final');
        await tr.createExperiment('taken');
        await expect(tr.renameExperiment(id, 'taken')).rejects.toMatchObject(
          code('EXPERIMENT_ALREADY_EXISTS'),
        );
        await expect(tr.renameExperiment('424242', 'x')).rejects.toMatchObject(
          code('EXPERIMENT_NOT_FOUND'),
        );
        await expect(tr.setExperimentTag('424242', 'k', 'v')).rejects.toMatchObject(
          code('EXPERIMENT_NOT_FOUND'),
        );
        await expect(tr.renameExperiment(id, '')).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(tr.setExperimentTag(id, '', 'v')).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        expect((await tr.getExperiment(id)).name).toBe('final');
      }),
    );
  });
}
