import { Matrix } from 'ml-matrix';
import { defaultSerializers } from './serializer-registry.js';

/** The encoded form of an ml-matrix `Matrix`: its shape and row-major values. */
interface EncodedMatrix {
  rows: number;
  columns: number;
  data: Float64Array;
}

defaultSerializers.register<Matrix, EncodedMatrix>(
  Matrix,
  {
    encode: (m: Matrix): EncodedMatrix => {
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
  'ml-matrix.Matrix',
);
