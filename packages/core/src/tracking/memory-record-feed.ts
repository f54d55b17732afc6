/**
 * The records stream of the memory store's change feed, bounded: it keeps the newest
 * `retention` record writes and forgets older ones in batches, so that a long-lived process
 * does not grow it forever (`ChangePage.resync` tells a reader that fell behind).
 */
export class RecordFeed<Run> {
  /** The run of each record write still kept (sequence number = base + index + 1). */
  readonly runs: Run[] = [];
  /** The task-run row of each (-1 for the flow-run record). */
  readonly rows: number[] = [];
  /** How many of the oldest writes were forgotten: the last sequence number no longer kept. */
  base = 0;

  constructor(private readonly retention: number) {}

  /** The last sequence number written. */
  get end(): number {
    return this.base + this.runs.length;
  }

  /** Appends a write; forgets the oldest ones once a tenth more than `retention` are kept. */
  push(run: Run, row: number): void {
    this.runs.push(run);
    this.rows.push(row);
    const over = this.runs.length - this.retention;
    if (over >= Math.max(1, Math.floor(this.retention / 10))) {
      this.runs.splice(0, over);
      this.rows.splice(0, over);
      this.base += over;
    }
  }
}
