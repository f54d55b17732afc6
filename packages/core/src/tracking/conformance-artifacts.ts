import type { ConformanceContext } from './conformance.js';

const code = (c: string) => ({ code: c });
const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** The smallest valid PNG header prefix is enough: stores keep bytes, they do not decode images. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);

/** Files and typed artifacts. */
export function conformanceArtifacts({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('artifacts', () => {
    it(
      'stores files, lists them sorted and reads them back byte for byte',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const bytes = new Uint8Array(256).map((_, i) => i);
        const info = await tr.logArtifact(id, 'data/raw.bin', bytes);
        expect(info).toMatchObject({
          path: 'data/raw.bin',
          type: 'file',
          size: 256,
          key: null,
          version: null,
          mediaType: 'application/octet-stream',
        });
        await tr.logArtifact(id, 'report.md', '# Report\n');
        await tr.logArtifact(id, 'data/a.csv', 'x,y\n1,2\n');
        expect((await tr.listArtifacts(id)).map((a) => a.path)).toEqual([
          'data/a.csv',
          'data/raw.bin',
          'report.md',
        ]);
        expect((await tr.listArtifacts(id, 'data/')).map((a) => a.path)).toEqual([
          'data/a.csv',
          'data/raw.bin',
        ]);
        expect(await tr.readArtifact(id, 'data/raw.bin')).toEqual(bytes);
        expect(text(await tr.readArtifact(id, 'report.md'))).toBe('# Report\n');
        expect((await tr.listArtifacts(id, 'report')).map((a) => a.mediaType)).toEqual([
          'text/markdown',
        ]);
        await tr.logArtifact(id, 'report.md', 'v2');
        expect(text(await tr.readArtifact(id, 'report.md'))).toBe('v2');
        await expect(tr.readArtifact(id, 'nope.txt')).rejects.toMatchObject(
          code('ARTIFACT_NOT_FOUND'),
        );
      }),
    );

    it(
      'rejects artifact paths that could leave the run directory',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        for (const bad of [
          '../x',
          'a/../../b',
          '/etc/passwd',
          'a\0b',
          '',
          'a//b',
          './a',
          'C:\\x',
          'a\\b',
          '..',
          'line\nbreak.txt',
          'dir/carriage\r.txt',
          // One segment longer than a file name can be (255 bytes): 256 ASCII, 128 two-byte.
          `plots/${'a'.repeat(256)}.svg`,
          `${'é'.repeat(128)}/x.txt`,
        ]) {
          await expect(tr.logArtifact(id, bad, 'x')).rejects.toMatchObject(
            code('INVALID_ARTIFACT_PATH'),
          );
        }
        expect(await tr.listArtifacts(id)).toEqual([]);
        // The longest names a file system takes are kept, in both stores.
        const longest = `${'é'.repeat(127)}/${'b'.repeat(255)}`;
        await tr.logArtifact(id, longest, 'ok');
        expect((await tr.listArtifacts(id)).map((a) => a.path)).toEqual([longest]);
      }),
    );

    it(
      'stores typed artifacts and versions them by key',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const v1 = await tr.logTypedArtifact(id, {
          type: 'table',
          key: 'scores',
          columns: ['model', 'acc'],
          rows: [
            ['svm', 0.9],
            ['nb', null],
          ],
        });
        const v2 = await tr.logTypedArtifact(id, {
          type: 'table',
          key: 'scores',
          columns: ['model'],
          rows: [['knn']],
          description: 'second',
        });
        expect(v1).toMatchObject({
          type: 'table',
          key: 'scores',
          version: 1,
          path: 'table/scores/v1.json',
        });
        expect(v2).toMatchObject({
          version: 2,
          path: 'table/scores/v2.json',
          description: 'second',
        });
        expect((await tr.getTypedArtifact(id, 'scores')).content).toEqual({
          type: 'table',
          columns: ['model'],
          rows: [['knn']],
        });
        expect((await tr.getTypedArtifact(id, 'scores', 1)).content).toEqual({
          type: 'table',
          columns: ['model', 'acc'],
          rows: [
            ['svm', 0.9],
            ['nb', null],
          ],
        });
        await expect(tr.getTypedArtifact(id, 'scores', 3)).rejects.toMatchObject(
          code('ARTIFACT_NOT_FOUND'),
        );
        await expect(tr.getTypedArtifact(id, 'other')).rejects.toMatchObject(
          code('ARTIFACT_NOT_FOUND'),
        );

        await tr.logTypedArtifact(id, { type: 'markdown', key: 'summary', markdown: '**ok**' });
        await tr.logTypedArtifact(id, {
          type: 'image',
          key: 'roc',
          format: 'svg',
          data: '<svg xmlns="http://www.w3.org/2000/svg"/>',
        });
        await tr.logTypedArtifact(id, { type: 'image', key: 'pic', format: 'png', data: PNG });
        await tr.logTypedArtifact(id, {
          type: 'link',
          key: 'docs',
          url: 'https://example.org',
          text: 'docs',
        });
        await tr.logTypedArtifact(id, { type: 'progress', key: 'train', progress: 10 });
        await tr.logTypedArtifact(id, { type: 'progress', key: 'train', progress: 100 });
        const unkeyed = await tr.logTypedArtifact(id, { type: 'markdown', markdown: 'note' });
        expect(unkeyed).toMatchObject({ key: null, version: null, type: 'markdown' });
        expect(text(await tr.readArtifact(id, unkeyed.path))).toBe('note');
        expect((await tr.getTypedArtifact(id, 'summary')).content).toEqual({
          type: 'markdown',
          markdown: '**ok**',
        });
        expect((await tr.getTypedArtifact(id, 'roc')).content).toEqual({
          type: 'image',
          format: 'svg',
          data: '<svg xmlns="http://www.w3.org/2000/svg"/>',
        });
        expect((await tr.getTypedArtifact(id, 'pic')).content).toEqual({
          type: 'image',
          format: 'png',
          data: PNG,
        });
        expect((await tr.getTypedArtifact(id, 'pic')).info.mediaType).toBe('image/png');
        expect((await tr.getTypedArtifact(id, 'docs')).content).toEqual({
          type: 'link',
          url: 'https://example.org',
          text: 'docs',
        });
        expect(await tr.getTypedArtifact(id, 'train')).toMatchObject({
          info: { version: 2 },
          content: { type: 'progress', progress: 100 },
        });
        expect((await tr.listArtifacts(id)).filter((a) => a.type !== 'file')).toHaveLength(9);
      }),
    );

    it(
      'rejects malformed typed artifacts and protects them from being overwritten',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const bad = [
          { type: 'table', columns: ['a', 'b'], rows: [[1]] },
          { type: 'table', columns: ['a'], rows: [[{}]] },
          { type: 'image', format: 'png', data: new Uint8Array([1, 2, 3]) },
          { type: 'image', format: 'gif', data: 'x' },
          { type: 'image', format: 'svg', data: 'not svg' },
          { type: 'progress', progress: 101 },
          { type: 'link', url: '' },
          { type: 'chart' },
          { type: 'markdown', markdown: 'x', key: '../up' },
        ];
        for (const a of bad)
          await expect(tr.logTypedArtifact(id, a as never)).rejects.toMatchObject(
            code('TRACKING_INPUT'),
          );
        const info = await tr.logTypedArtifact(id, { type: 'markdown', key: 'k', markdown: 'x' });
        await expect(tr.logArtifact(id, info.path, 'overwrite')).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        expect(text(await tr.readArtifact(id, info.path))).toBe('x');
      }),
    );
  });
}
