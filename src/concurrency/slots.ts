/**
 * A counting semaphore: at most `size` pieces of work at once, the rest wait their turn in order.
 * Image work holds a slot while libvips has pixels in memory (memory stays bounded however many
 * uploads arrive); password hashing holds one while argon2 has a core (the event loop keeps one).
 */
export class Slots {
  private active = 0;
  private highest = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    this.highest = Math.max(this.highest, this.active);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never drops below the real count.
      if (next) next();
      else this.active -= 1;
    }
  }

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** The most slots ever held at once (for metrics and tests). */
  get peak(): number {
    return this.highest;
  }
}
