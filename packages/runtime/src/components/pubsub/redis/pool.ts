/**
 * @module components/pubsub/redis/pool
 * The component's handler slots: at most `concurrency` handlers run at once across all of its
 * subscriptions (Dapr's worker goroutines reading one shared queue); the rest wait in FIFO order.
 */
export class WorkerPool {
  private running = 0;
  private queue: Array<() => Promise<void>> = [];
  private head = 0;

  constructor(private readonly size: number) {}

  private readonly done = (): void => {
    this.running--;
    this.drain();
  };

  /** Runs `task` once a slot is free (tasks handle their own errors). */
  submit(task: () => Promise<void>): void {
    this.queue.push(task);
    this.drain();
  }

  private drain(): void {
    while (this.running < this.size && this.head < this.queue.length) {
      const next = this.queue[this.head] as () => Promise<void>;
      this.head++;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.running++;
      next().then(this.done, this.done);
    }
  }
}
