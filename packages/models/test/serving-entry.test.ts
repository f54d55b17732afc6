import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import { GaussianNB, Pipeline, SelectKBest, StandardScaler, makeBlobs } from '../src/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('@tideflow/models/serving', () => {
  it('decodes and predicts with a fitted pipeline without loading ml-matrix or the feature-selection statistics', () => {
    const data = makeBlobs({ n: 200, dim: 4, k: 3, std: 1, seed: 4 });
    const model = new Pipeline({
      steps: [
        ['scale', new StandardScaler()],
        ['select', new SelectKBest({ k: 2 })],
        ['nb', new GaussianNB()],
      ],
    }).fit(data.X, data.y);
    const row = Array.from(data.X.data.subarray(0, 4));
    // A fresh process that imports only the serving entry decodes the model's bytes and predicts.
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { createRequire } from 'node:module';
        import { defaultSerializers } from '@tideflow/core';
        import { denseMatrix } from '@tideflow/models/serving';
        const model = defaultSerializers.deserialize(Buffer.from(process.env.MODEL, 'base64'));
        const label = model.predict(denseMatrix(1, 4, Float64Array.from(JSON.parse(process.env.ROW))))[0];
        const loaded = Object.keys(createRequire(import.meta.url).cache);
        const count = (dep) => loaded.filter((k) => k.includes('/node_modules/' + dep + '/')).length;
        console.log(JSON.stringify({ label, stdlib: count('@stdlib'), mlMatrix: count('ml-matrix') }));
        `,
      ],
      {
        cwd: repo,
        encoding: 'utf8',
        env: {
          ...process.env,
          MODEL: defaultSerializers.serialize(model).toString('base64'),
          ROW: JSON.stringify(row),
        },
      },
    );
    expect(JSON.parse(out)).toEqual({ label: data.y[0], stdlib: 0, mlMatrix: 0 });
  });
});
