import { EstimatorInputError } from '../errors.js';

/** Checks two label arrays have equal, non-zero length. */
export function checkPair(
  metric: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): void {
  if (yTrue.length !== yPred.length) {
    throw new EstimatorInputError(
      metric,
      `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; they must match.`,
    );
  }
  if (yTrue.length === 0) throw new EstimatorInputError(metric, 'no samples (zero-length labels).');
}

/** Sorted distinct values of the given label arrays. */
export function unionLabels(...ys: ArrayLike<number>[]): Int32Array {
  const seen = new Set<number>();
  for (const y of ys) for (let i = 0; i < y.length; i++) seen.add(y[i]);
  return Int32Array.from([...seen].sort((a, b) => a - b));
}

/** A label → position lookup for `labels`, refusing unknown labels with an error naming `metric`. */
export function labelIndexer(metric: string, labels: ArrayLike<number>): (label: number) => number {
  const map = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) map.set(labels[i], i);
  return (label: number) => {
    const i = map.get(label);
    if (i === undefined) {
      throw new EstimatorInputError(
        metric,
        `label ${label} is not among the labels [${Array.from(labels).join(', ')}].`,
      );
    }
    return i;
  };
}
