import { createRequire } from 'node:module';
import type * as MlMatrix from 'ml-matrix';
import { defaultSerializers } from './serializer-registry.js';

/** The encoded form of an ml-matrix `Matrix`: its shape and row-major values. */
interface EncodedMatrix {
  rows: number;
  columns: number;
  data: Float64Array;
}

// ml-matrix is loaded only when a Matrix is met or decoded (importing it costs a cold process
// ~20-35 ms). `require` gives the same class as `import`: the package's ESM entry re-exports its
// CommonJS build, which Node loads once for both.
defaultSerializers.registerLazy<MlMatrix.Matrix, EncodedMatrix>('ml-matrix.Matrix', () => {
  const { Matrix } = createRequire(import.meta.url)('ml-matrix') as typeof MlMatrix;
  return {
    ctor: Matrix,
    serializer: {
      encode: (m: MlMatrix.Matrix): EncodedMatrix => {
        const data = new Float64Array(m.rows * m.columns);
        for (let i = 0; i < m.rows; i++) data.set(m.getRow(i), i * m.columns);
        return { rows: m.rows, columns: m.columns, data };
      },
      decode: ({ rows, columns, data }) => {
        const m = new Matrix(rows, columns);
        for (let i = 0; i < rows; i++) m.setRow(i, data.subarray(i * columns, (i + 1) * columns));
        return m;
      },
    },
  };
});
