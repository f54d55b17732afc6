import type { DenseMatrix } from '../data/matrix.js';
import type { Random } from '../data/random.js';

/**
 * A fitted decision tree as flat typed arrays (node 0 is the root). An internal node splits on
 * `feature[i] ≥ 0`: rows with `x[feature] <= threshold[i]` go to node `left[i]`, the others to
 * `left[i] + 1` (children are stored side by side). A leaf has `feature[i] = −1` and its class
 * distribution in row `left[i]` of `value` (`rows × nClasses`). Rows `0 … nClasses−1` of `value`
 * are the one-hot distributions that every pure leaf shares, which keeps fully grown forests small.
 */
export interface TreeArrays {
  /** Number of nodes. */
  nodeCount: number;
  /** Split feature of each node, −1 for leaves. */
  feature: Int32Array;
  /** Split threshold of each internal node. */
  threshold: Float64Array;
  /** Internal node: index of the left child (the right one follows it). Leaf: its `value` row. */
  left: Int32Array;
  /** Leaf class distributions (weighted, normalised), row-major with `nClasses` columns. */
  value: Float64Array;
}

/** Growth limits and randomness of one tree. */
export interface TreeGrowOptions {
  /** `gini` or `entropy`. */
  criterion: 'gini' | 'entropy';
  /** Deepest level (root = 0); `Infinity` for none. */
  maxDepth: number;
  /** Fewest rows a node needs to be split. */
  minSamplesSplit: number;
  /** Fewest rows each child must keep. */
  minSamplesLeaf: number;
  /** Features examined per split (drawing past constant ones, as scikit-learn). */
  maxFeatures: number;
}

/**
 * Data shared by every tree grown on the same matrix: columns stored contiguously and each
 * feature's row order sorted by value, computed once per forest.
 */
export interface PresortedData {
  /** Rows. */
  readonly n: number;
  /** Features. */
  readonly d: number;
  /** Column-major copy of X: `columns[j * n + i]`. */
  readonly columns: Float64Array;
  /** Per feature, the row indices sorted by that feature's value: `order[j * n + k]`. */
  readonly order: Int32Array;
}

/** Sorts each feature's rows once (argsort), for {@link growTree}. */
export function presort(X: DenseMatrix): PresortedData {
  const { rows: n, cols: d, data } = X;
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) columns[j * n + i] = data[i * d + j];
  const order = new Int32Array(n * d);
  const idx = new Int32Array(n);
  for (let j = 0; j < d; j++) {
    const col = columns.subarray(j * n, (j + 1) * n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => col[a] - col[b] || a - b);
    order.set(idx, j * n);
  }
  return { n, d, columns, order };
}

/** Growable node storage. */
class NodeStore {
  count = 0;
  feature = new Int32Array(64);
  threshold = new Float64Array(64);
  left = new Int32Array(64);
  value: Float64Array;
  valueRows: number;

  constructor(private readonly k: number) {
    this.value = new Float64Array(4 * k * k);
    for (let c = 0; c < k; c++) this.value[c * k + c] = 1;
    this.valueRows = k;
  }

  /** Appends a node and returns its index (a leaf until `split`). */
  add(): number {
    if (this.count === this.feature.length) {
      const cap = this.count * 2;
      this.feature = grow(this.feature, cap);
      this.threshold = grow(this.threshold, cap);
      this.left = grow(this.left, cap);
    }
    const id = this.count++;
    this.feature[id] = -1;
    return id;
  }

  /** Makes `node` a leaf with weighted class counts `w` (total `W`). */
  leaf(node: number, w: Float64Array, W: number): void {
    const k = this.k;
    let nonZero = 0;
    let only = 0;
    for (let c = 0; c < k; c++) {
      if (w[c] > 0) {
        nonZero++;
        only = c;
      }
    }
    if (nonZero === 1) {
      this.left[node] = only;
      return;
    }
    if ((this.valueRows + 1) * k > this.value.length)
      this.value = grow(this.value, this.value.length * 2);
    const row = this.valueRows++;
    for (let c = 0; c < k; c++) this.value[row * k + c] = w[c] / W;
    this.left[node] = row;
  }

  finish(): TreeArrays {
    const c = this.count;
    return {
      nodeCount: c,
      feature: this.feature.slice(0, c),
      threshold: this.threshold.slice(0, c),
      left: this.left.slice(0, c),
      value: this.value.slice(0, this.valueRows * this.k),
    };
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** Impurity of weighted class counts `w` with total `W`. */
function impurity(criterion: 'gini' | 'entropy', w: Float64Array, W: number): number {
  let s = 0;
  if (criterion === 'gini') {
    for (let c = 0; c < w.length; c++) s += w[c] * w[c];
    return 1 - s / (W * W);
  }
  for (let c = 0; c < w.length; c++) if (w[c] > 0) s -= (w[c] / W) * Math.log2(w[c] / W);
  return s;
}

/** Σ_c w_c·log(w_c) (0·log 0 = 0), used by the entropy split proxy. */
function wlogw(w: number): number {
  return w > 0 ? w * Math.log(w) : 0;
}

/**
 * Grows one CART tree, as scikit-learn's `BestSplitter` with `DepthFirstTreeBuilder`: at each node
 * up to `maxFeatures` random non-constant features are scanned in sorted order, the split with the
 * best impurity decrease is taken at the midpoint between consecutive distinct values, and rows
 * are stably partitioned in every feature's sorted order so that no node re-sorts.
 *
 * @param data - presorted data of the full matrix.
 * @param y - class index of every row.
 * @param k - number of classes.
 * @param weight - per-row weight (bootstrap counts); rows of weight 0 are left out. `null`: all 1.
 * @param importances - receives each feature's weighted impurity decrease (length d), summed.
 */
export function growTree(
  data: PresortedData,
  y: Int32Array,
  k: number,
  weight: Float64Array | null,
  options: TreeGrowOptions,
  rng: Random,
  importances: Float64Array,
): TreeArrays {
  const { n: nAll, d, columns, order } = data;
  const { criterion, maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures } = options;
  // Rows in this tree (weight > 0), each feature's sorted order restricted to them.
  let m = 0;
  for (let i = 0; i < nAll; i++) if (!weight || weight[i] > 0) m++;
  const sorted = new Int32Array(m * d);
  for (let j = 0; j < d; j++) {
    let p = j * m;
    const o = j * nAll;
    for (let q = 0; q < nAll; q++) {
      const row = order[o + q];
      if (!weight || weight[row] > 0) sorted[p++] = row;
    }
  }
  const w = weight ?? new Float64Array(nAll).fill(1);
  const goLeft = new Uint8Array(nAll);
  const tmp = new Int32Array(m);
  const features = new Int32Array(d);
  for (let j = 0; j < d; j++) features[j] = j;
  const nodeW = new Float64Array(k);
  const leftW = new Float64Array(k);
  const rightW = new Float64Array(k);
  const store = new NodeStore(k);
  let totalWeight = 0;
  for (let p = 0; p < m; p++) totalWeight += w[sorted[p]];

  // Depth-first growth with an explicit stack of [node, start, end, depth].
  const stack: number[] = [store.add(), 0, m, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const e = stack.pop()!;
    const s = stack.pop()!;
    const node = stack.pop()!;
    nodeW.fill(0);
    let W = 0;
    for (let p = s; p < e; p++) {
      const row = sorted[p];
      nodeW[y[row]] += w[row];
      W += w[row];
    }
    const count = e - s;
    const nodeImpurity = impurity(criterion, nodeW, W);
    if (
      depth >= maxDepth ||
      count < minSamplesSplit ||
      count < 2 * minSamplesLeaf ||
      nodeImpurity <= 1e-12
    ) {
      store.leaf(node, nodeW, W);
      continue;
    }

    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestPos = -1;
    let bestThreshold = 0;
    let visited = 0;
    // Partial Fisher–Yates over the features: draw until maxFeatures non-constant ones are seen.
    for (let f = 0; f < d && visited < maxFeatures; f++) {
      const pick = f + rng.int(d - f);
      const j = features[pick];
      features[pick] = features[f];
      features[f] = j;
      const base = j * m;
      const col = j * nAll;
      if (columns[col + sorted[base + s]] === columns[col + sorted[base + e - 1]]) continue;
      visited++;
      leftW.fill(0);
      rightW.set(nodeW);
      let WL = 0;
      let WR = W;
      let sqL = 0;
      let sqR = 0;
      let entL = 0;
      let entR = 0;
      if (criterion === 'gini') for (let c = 0; c < k; c++) sqR += nodeW[c] * nodeW[c];
      else for (let c = 0; c < k; c++) entR += wlogw(nodeW[c]);
      for (let p = s; p < e - 1; p++) {
        const row = sorted[base + p];
        const c = y[row];
        const wr = w[row];
        if (criterion === 'gini') {
          sqL += wr * (2 * leftW[c] + wr);
          sqR -= wr * (2 * rightW[c] - wr);
        } else {
          entL += wlogw(leftW[c] + wr) - wlogw(leftW[c]);
          entR += wlogw(rightW[c] - wr) - wlogw(rightW[c]);
        }
        leftW[c] += wr;
        rightW[c] -= wr;
        WL += wr;
        WR -= wr;
        const nLeft = p - s + 1;
        if (nLeft < minSamplesLeaf) continue;
        if (e - s - nLeft < minSamplesLeaf) break;
        const xv = columns[col + row];
        const xNext = columns[col + sorted[base + p + 1]];
        if (xNext <= xv) continue; // only split between distinct values
        // Larger is better: gini → Σ w²/W per child; entropy → −Σ child W·H(child).
        const proxy =
          criterion === 'gini' ? sqL / WL + sqR / WR : entL - wlogw(WL) + entR - wlogw(WR);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = j;
          bestPos = p + 1;
          let t = (xv + xNext) / 2;
          // As scikit-learn: if rounding puts the midpoint on the upper value, use the lower one.
          if (t === xNext || t === Infinity || t === -Infinity) t = xv;
          bestThreshold = t;
        }
      }
    }
    if (bestFeature < 0) {
      store.leaf(node, nodeW, W); // every examined feature was constant here
      continue;
    }

    // Weighted impurity decrease, for feature importances.
    leftW.fill(0);
    let WL = 0;
    const bBase = bestFeature * m;
    for (let p = s; p < bestPos; p++) {
      const row = sorted[bBase + p];
      leftW[y[row]] += w[row];
      WL += w[row];
      goLeft[row] = 1;
    }
    for (let p = bestPos; p < e; p++) goLeft[sorted[bBase + p]] = 0;
    for (let c = 0; c < k; c++) rightW[c] = nodeW[c] - leftW[c];
    const WR = W - WL;
    importances[bestFeature] +=
      (W * nodeImpurity -
        WL * impurity(criterion, leftW, WL) -
        WR * impurity(criterion, rightW, WR)) /
      totalWeight;

    // Stable partition of every other feature's order into left rows, then right rows.
    const nLeft = bestPos - s;
    for (let j = 0; j < d; j++) {
      if (j === bestFeature) continue;
      const base = j * m;
      let a = s;
      let b = 0;
      for (let p = s; p < e; p++) {
        const row = sorted[base + p];
        if (goLeft[row]) sorted[base + a++] = row;
        else tmp[b++] = row;
      }
      sorted.set(tmp.subarray(0, b), base + s + nLeft);
    }
    const left = store.add();
    store.add(); // the right child, always left + 1
    store.feature[node] = bestFeature;
    store.threshold[node] = bestThreshold;
    store.left[node] = left;
    stack.push(left + 1, bestPos, e, depth + 1, left, s, bestPos, depth + 1);
  }
  return store.finish();
}

/** Adds each row's leaf distribution (times `scale`) to `out` (`X.rows × k`). */
export function accumulateTreeProba(
  tree: TreeArrays,
  X: DenseMatrix,
  k: number,
  scale: number,
  out: Float64Array,
): void {
  const { feature, threshold, left, value } = tree;
  const d = X.cols;
  const x = X.data;
  for (let i = 0; i < X.rows; i++) {
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      node = x[i * d + f] <= threshold[node] ? left[node] : left[node] + 1;
      f = feature[node];
    }
    const o = left[node] * k;
    for (let c = 0; c < k; c++) out[i * k + c] += scale * value[o + c];
  }
}
