import type { ConformanceContext } from './conformance.js';

const code = (c: string) => ({ code: c });

/** Renaming experiments and setting their tags (`TrackerStore.updateExperiment`). */
export function conformanceExperimentEdits({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('experiment edits', () => {
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
