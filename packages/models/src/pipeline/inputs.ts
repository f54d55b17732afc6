import { statSync } from 'node:fs';
import { DataFormatError } from '../errors.js';
import { checkCsvHeader, unreadable } from '../data/csv.js';
import type { PipelineConfig } from './config.js';

/**
 * Checks, before any task runs, that the configured data files exist, are files, and have headers
 * the run can use (a label column, unique names, comma-separated; a test file with the training
 * file's feature columns): a bad test file is named at once rather than after the training file
 * has been read.
 *
 * @throws DataFormatError naming the configuration key or the file.
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
  const label = data.label ?? undefined;
  const featureNames = checkCsvHeader(data.path!, { label });
  if (data.testPath) checkCsvHeader(data.testPath, { label, featureNames });
}
