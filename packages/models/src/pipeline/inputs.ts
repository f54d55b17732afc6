import { statSync } from 'node:fs';
import { DataFormatError } from '../errors.js';
import { unreadable } from '../data/csv.js';
import type { PipelineConfig } from './config.js';

/**
 * Checks, before any task runs, that the configured data files exist and are files: a missing
 * test file is named at once rather than after the training file has been read.
 *
 * @throws DataFormatError naming the configuration key and the file.
 */
export function checkDataFiles(data: PipelineConfig['data']): void {
  if (data.source !== 'csv') return;
  for (const [key, path] of [
    ['data.path', data.path],
    ['data.testPath', data.testPath],
  ] as const) {
    if (path === null) continue;
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch (error) {
      throw new DataFormatError(`${key}: ${unreadable(path, error).message}`);
    }
    if (!isFile) throw new DataFormatError(`${key}: ${path} is not a file.`);
  }
}
