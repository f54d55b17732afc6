import { PCA } from 'ml-pca';
import { denseMatrix, type DenseMatrix } from '../data/matrix.js';
import { toMlMatrix } from '../data/ml-matrix.js';

/** A projection of rows onto their first principal components. */
export interface PcaProjection {
  /** The rows' coordinates on the components, `rows × components`. */
  readonly embedding: DenseMatrix;
  /** The fraction of the variance each component explains. */
  readonly explained: readonly number[];
}

/**
 * Projects rows onto their first `components` principal components (centred, by SVD, with
 * `ml-pca`): the linear 2D view of data with more than 3 features.
 *
 * @param components - number of components kept. @default 2
 */
export function pcaProjection(X: DenseMatrix, components = 2): PcaProjection {
  const pca = new PCA(toMlMatrix(X), { center: true, scale: false });
  const projected = pca.predict(toMlMatrix(X), { nComponents: components });
  const embedding = denseMatrix(X.rows, components);
  for (let i = 0; i < X.rows; i++)
    for (let c = 0; c < components; c++) embedding.data[i * components + c] = projected.get(i, c);
  return { embedding, explained: pca.getExplainedVariance().slice(0, components) };
}
