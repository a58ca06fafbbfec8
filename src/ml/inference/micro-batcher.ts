/** Something queued for a model: a request's rows. */
export interface BatchItem {
  readonly rows: number;
}

export interface Batch<T extends BatchItem> {
  key: string;
  items: T[];
  rows: number;
  ready: boolean;
}

export interface MicroBatcherOptions {
  /** How long the first request of a batch waits for others to the same model (0: the rest of this event-loop turn). */
  maxWaitMs: number;
  /** A batch is ready as soon as it holds this many rows; a single larger request forms its own batch. */
  maxRows: number;
  /** Test seam for the wait timer. */
  schedule?: (callback: () => void, ms: number) => void;
}

/**
 * Coalesces requests to one model into batches. A batch opens with its first request and is ready
 * after maxWaitMs or at maxRows rows; until someone takes it, a ready batch still takes in new
 * requests to its model (up to maxRows), so while every worker is busy batches grow instead of
 * queueing one request each. `onReady` is called whenever a batch becomes ready; take() hands out
 * the oldest ready batch.
 */
export class MicroBatcher<T extends BatchItem> {
  private readonly batches: Batch<T>[] = [];
  private readonly schedule: (callback: () => void, ms: number) => void;
  private queuedItems = 0;

  constructor(
    private readonly options: MicroBatcherOptions,
    private readonly onReady: () => void,
  ) {
    this.schedule = options.schedule ?? ((callback, ms) => (ms <= 0 ? setImmediate(callback) : setTimeout(callback, ms)));
  }

  /** Requests waiting in batches not yet taken. */
  get size(): number {
    return this.queuedItems;
  }

  add(key: string, item: T): void {
    this.queuedItems++;
    const open = this.findLast((b) => b.key === key && (b.rows + item.rows <= this.options.maxRows || b.rows === 0));
    if (open) {
      open.items.push(item);
      open.rows += item.rows;
      if (!open.ready && open.rows >= this.options.maxRows) this.markReady(open);
      return;
    }
    const batch: Batch<T> = { key, items: [item], rows: item.rows, ready: false };
    this.batches.push(batch);
    if (batch.rows >= this.options.maxRows) this.markReady(batch);
    else this.schedule(() => this.markReady(batch), this.options.maxWaitMs);
  }

  /** Puts items back at the front as a ready batch (a retry after a worker died): they go out first. */
  requeue(key: string, items: T[]): void {
    if (!items.length) return;
    this.queuedItems += items.length;
    this.batches.unshift({ key, items: [...items], rows: items.reduce((n, i) => n + i.rows, 0), ready: true });
    this.onReady();
  }

  /** The oldest ready batch, or the oldest ready one whose key `prefer` accepts when there is one. */
  take(prefer?: (key: string) => boolean): Batch<T> | undefined {
    let index = prefer ? this.batches.findIndex((b) => b.ready && prefer(b.key)) : -1;
    if (index < 0) index = this.batches.findIndex((b) => b.ready);
    if (index < 0) return undefined;
    const [batch] = this.batches.splice(index, 1);
    this.queuedItems -= batch.items.length;
    return batch;
  }

  /** Removes an item still waiting (its request timed out); false when it was already taken. */
  remove(item: T): boolean {
    for (let b = 0; b < this.batches.length; b++) {
      const batch = this.batches[b];
      const index = batch.items.indexOf(item);
      if (index < 0) continue;
      batch.items.splice(index, 1);
      batch.rows -= item.rows;
      this.queuedItems--;
      if (!batch.items.length) this.batches.splice(b, 1);
      return true;
    }
    return false;
  }

  /** Every waiting item, emptied out (shutdown). */
  drain(): T[] {
    const items = this.batches.flatMap((b) => b.items);
    this.batches.length = 0;
    this.queuedItems = 0;
    return items;
  }

  private markReady(batch: Batch<T>): void {
    if (batch.ready || !this.batches.includes(batch)) return;
    batch.ready = true;
    this.onReady();
  }

  private findLast(predicate: (batch: Batch<T>) => boolean): Batch<T> | undefined {
    for (let i = this.batches.length - 1; i >= 0; i--) if (predicate(this.batches[i])) return this.batches[i];
    return undefined;
  }
}
