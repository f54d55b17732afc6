/**
 * A point-region quadtree over 2D points in typed arrays, rebuilt every t-SNE iteration, for the
 * Barnes–Hut approximation of the repulsive forces: a cell far enough away (width / distance below
 * θ) acts as one point at its centre of mass.
 *
 * Nodes live in parallel typed arrays; the four children of a node are consecutive. Points that
 * coincide (or nearly) share a leaf once the cell is too small to split further.
 */
export class QuadTree {
  private capacity: number;
  private size = 0;
  private cx: Float64Array;
  private cy: Float64Array;
  private half: Float64Array;
  private comX: Float64Array;
  private comY: Float64Array;
  private count: Int32Array;
  private child: Int32Array;
  /** The point stored in a leaf holding one point, or -1. */
  private point: Int32Array;
  /** The leaf each point ended up in (to leave the point itself out of its own forces). */
  private readonly leafOf: Int32Array;
  private readonly stack: Int32Array;
  private positions: Float64Array = new Float64Array(0);
  /** Per node: centre of mass x, y, squared width, point count. */
  private node: Float64Array = new Float64Array(0);

  constructor(private readonly n: number) {
    this.capacity = Math.max(16, 4 * n + 1);
    this.cx = new Float64Array(this.capacity);
    this.cy = new Float64Array(this.capacity);
    this.half = new Float64Array(this.capacity);
    this.comX = new Float64Array(this.capacity);
    this.comY = new Float64Array(this.capacity);
    this.count = new Int32Array(this.capacity);
    this.child = new Int32Array(this.capacity);
    this.point = new Int32Array(this.capacity);
    this.leafOf = new Int32Array(n);
    this.stack = new Int32Array(1024);
  }

  /**
   * Rebuilds the tree over `y` (x₀, y₀, x₁, y₁, …), inserting points in `order`: a space-filling
   * curve order keeps nearby cells near each other in memory.
   */
  build(y: Float64Array, order: Int32Array): void {
    const n = this.n;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = y[2 * i];
      const b = y[2 * i + 1];
      if (a < minX) minX = a;
      if (a > maxX) maxX = a;
      if (b < minY) minY = b;
      if (b > maxY) maxY = b;
    }
    this.positions = y;
    this.size = 0;
    const half = Math.max(maxX - minX, maxY - minY, 1e-12) / 2 + 1e-9;
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, half);
    for (let t = 0; t < n; t++) {
      const i = order[t];
      this.insert(i, y[2 * i], y[2 * i + 1]);
    }
    // Pack what the force pass reads (centre of mass, squared width, count) per node, contiguously.
    if (this.node.length < this.size * 4) this.node = new Float64Array(this.capacity * 4);
    const nd = this.node;
    for (let k = 0; k < this.size; k++) {
      const c = this.count[k];
      nd[4 * k] = c > 0 ? this.comX[k] / c : 0;
      nd[4 * k + 1] = c > 0 ? this.comY[k] / c : 0;
      nd[4 * k + 2] = 4 * this.half[k] * this.half[k];
      nd[4 * k + 3] = c;
    }
  }

  /**
   * Repulsive force terms on point `i` at (`px`, `py`): adds Σ n·q²·(p − com) to `force[2i..]` and
   * returns Σ n·q, with q = 1 / (1 + d²), over all other points, approximated per cell.
   */
  repulsion(i: number, px: number, py: number, theta2: number, force: Float64Array): number {
    const stack = this.stack;
    const { node: nd, child } = this;
    const self = this.leafOf[i];
    let top = 0;
    stack[top++] = 0;
    let sumQ = 0;
    let fx = 0;
    let fy = 0;
    while (top > 0) {
      const node = stack[--top];
      const o = node * 4;
      let cnt = nd[o + 3];
      if (node === self) cnt -= 1;
      if (cnt <= 0) continue;
      const dx = px - nd[o];
      const dy = py - nd[o + 1];
      const d2 = dx * dx + dy * dy;
      const c = child[node];
      if (c < 0 || nd[o + 2] < theta2 * d2) {
        const q = 1 / (1 + d2);
        const nq = cnt * q;
        sumQ += nq;
        fx += nq * q * dx;
        fy += nq * q * dy;
      } else {
        // Only non-empty children are visited.
        for (let k = c; k < c + 4; k++) if (nd[k * 4 + 3] > 0) stack[top++] = k;
      }
    }
    force[2 * i] += fx;
    force[2 * i + 1] += fy;
    return sumQ;
  }

  private newNode(cx: number, cy: number, half: number): number {
    if (this.size >= this.capacity) this.grow();
    const k = this.size++;
    this.cx[k] = cx;
    this.cy[k] = cy;
    this.half[k] = half;
    this.comX[k] = 0;
    this.comY[k] = 0;
    this.count[k] = 0;
    this.child[k] = -1;
    this.point[k] = -1;
    return k;
  }

  private insert(i: number, x: number, y: number): void {
    let node = 0;
    for (;;) {
      if (this.child[node] < 0) {
        // An empty leaf takes the point; a leaf too small to split keeps coinciding points together.
        if (this.count[node] === 0 || this.half[node] < 1e-10) {
          this.point[node] = this.count[node] === 0 ? i : -1;
          this.comX[node] += x;
          this.comY[node] += y;
          this.count[node]++;
          this.leafOf[i] = node;
          return;
        }
        this.split(node);
      }
      this.comX[node] += x;
      this.comY[node] += y;
      this.count[node]++;
      node = this.child[node] + this.quadrant(node, x, y);
    }
  }

  /** Gives a one-point leaf four children and moves its point into the right one. */
  private split(node: number): void {
    const h = this.half[node] / 2;
    const cx = this.cx[node];
    const cy = this.cy[node];
    const first = this.newNode(cx - h, cy - h, h);
    this.newNode(cx + h, cy - h, h);
    this.newNode(cx - h, cy + h, h);
    this.newNode(cx + h, cy + h, h);
    this.child[node] = first;
    const p = this.point[node];
    this.point[node] = -1;
    const x = this.positions[2 * p];
    const y = this.positions[2 * p + 1];
    const c = first + this.quadrant(node, x, y);
    this.comX[c] = x;
    this.comY[c] = y;
    this.count[c] = 1;
    this.point[c] = p;
    this.leafOf[p] = c;
  }

  private quadrant(node: number, x: number, y: number): number {
    return (x > this.cx[node] ? 1 : 0) + (y > this.cy[node] ? 2 : 0);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.cx = f(this.cx);
    this.cy = f(this.cy);
    this.half = f(this.half);
    this.comX = f(this.comX);
    this.comY = f(this.comY);
    this.count = g(this.count);
    this.child = g(this.child);
    this.point = g(this.point);
    this.capacity = cap;
  }
}
