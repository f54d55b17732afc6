import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { InvalidArtifactPathError, TrackingStoreError } from '@tideflow/core';

/**
 * Artifact files under `<root>/<run_id>/<path>`. Paths reaching here were validated by core
 * (relative, no `..`); resolving and checking the prefix again guards against a bug there.
 */
export class ArtifactFiles {
  constructor(readonly root: string) {}

  /** The absolute file of an artifact. */
  file(runId: string, path: string): string {
    const runDir = resolve(this.root, runId);
    const file = resolve(runDir, ...path.split('/'));
    if (!file.startsWith(runDir + sep))
      throw new InvalidArtifactPathError(path, 'it resolves outside the run directory');
    return file;
  }

  /**
   * Writes bytes next to the target and returns a function that moves them into place; the move
   * is a rename, so a reader sees the old file or the new one, never a partial one.
   */
  stage(runId: string, path: string, bytes: Uint8Array): { commit(): void; abort(): void } {
    const file = this.file(runId, path);
    mkdirSync(dirname(file), { recursive: true });
    // The temporary name does not extend the target's: a 255-byte file name stays writable.
    const tmp = join(dirname(file), `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(tmp, bytes);
    let done = false;
    return {
      commit() {
        renameSync(tmp, file);
        done = true;
      },
      abort() {
        if (!done) rmSync(tmp, { force: true });
      },
    };
  }

  /** Reads an artifact's bytes. */
  read(runId: string, path: string): Uint8Array {
    const file = this.file(runId, path);
    try {
      return new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new TrackingStoreError(
        `The artifact "${path}" of run ${runId} is recorded but its file ${file} cannot be read; ` +
          'was the artifacts directory moved or cleaned?',
        { cause: e },
      );
    }
  }

  /** The directory of a run's artifacts. */
  runDir(runId: string): string {
    return join(this.root, runId);
  }
}
