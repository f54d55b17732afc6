/**
 * A counting semaphore with a FIFO queue. `acquire` resolves synchronously-fast when a slot is free;
 * waiters are woken in order.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  /** Whether a slot is free right now (then `tryAcquire` succeeds). */
  tryAcquire(): boolean {
    if (this.active < this.limit) {
      this.active++;
      return true;
    }
    return false;
  }

  /** Waits for a slot. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Frees a slot, handing it to the oldest waiter if there is one. */
  release(): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head++] = undefined as unknown as () => void;
      // Compact the queue now and then so that a long run does not keep every woken waiter.
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.active--;
    }
  }
}

/** Process-wide semaphores for concurrency limits by task tag. */
const tagSemaphores = new Map<string, Semaphore>();

/** The semaphore of `tag` under `limit`, created on first use; a changed limit makes a new one. */
export function tagSemaphore(tag: string, limit: number): Semaphore {
  let s = tagSemaphores.get(tag);
  if (!s || s.limit !== limit) {
    s = new Semaphore(limit);
    tagSemaphores.set(tag, s);
  }
  return s;
}
