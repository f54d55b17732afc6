import { codeHash, inputs, taskSource } from '@tideflow/core';
import type { CacheOptions } from '@tideflow/core';

/**
 * The code of this package (`dist/` when built, `src/` under a TypeScript loader): every task
 * body of the pipeline is one call into another module (search, families, estimators), which
 * `taskSource` cannot see, so each key also carries this content hash, computed once per process.
 */
export const modelsCode = codeHash({ files: [new URL('..', import.meta.url)] });

/** The cache option of the pipeline's tasks: arguments, the task's body and the package's code. */
export const cached: CacheOptions = { policy: [inputs, taskSource, modelsCode] };
