/**
 * A client-side limiter that keeps a caller under one or more sliding windows (for example
 * Jumpseller's 20/s and 800/min). It is the first line of defence inside one process; across
 * processes the task queues' `maxTaskQueueActivitiesPerSecond` holds the limit.
 */
export interface RateWindow {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in milliseconds. */
  ms: number;
}

export interface RateLimiter {
  /** Resolves when one more request may be sent now; the request is counted from that moment. */
  acquire(): Promise<void>;
  /** Holds every caller back until the given time (used after a throttling answer or a ban). */
  pauseUntil(epochMs: number): void;
}

export function createRateLimiter(windows: RateWindow[], now: () => number = Date.now): RateLimiter {
  const sent: number[] = []; // send times, oldest first, kept for the longest window
  const longest = Math.max(...windows.map((w) => w.ms));
  let pausedUntil = 0;
  let queue: Promise<void> = Promise.resolve();

  function waitNeeded(t: number): number {
    while (sent.length > 0 && sent[0]! <= t - longest) sent.shift();
    let wait = Math.max(0, pausedUntil - t);
    for (const w of windows) {
      const inWindow = sent.filter((s) => s > t - w.ms);
      if (inWindow.length >= w.limit) {
        // The oldest request that must leave the window before one more fits.
        const oldest = inWindow[inWindow.length - w.limit]!;
        wait = Math.max(wait, oldest + w.ms - t + 1);
      }
    }
    return wait;
  }

  async function takeSlot(): Promise<void> {
    for (;;) {
      const wait = waitNeeded(now());
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    sent.push(now());
  }

  return {
    acquire() {
      // Callers are served in order, one slot at a time.
      const slot = queue.then(takeSlot);
      queue = slot.catch(() => undefined);
      return slot;
    },
    pauseUntil(epochMs: number) {
      pausedUntil = Math.max(pausedUntil, epochMs);
    },
  };
}
