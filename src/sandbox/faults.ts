/** Fault and load injection for the sandbox: latency, random failures, throttling. */

export interface FaultOptions {
  /** Milliseconds added before every response. */
  latencyMs?: number;
  /** Share of requests (0..1) that fail with a 503, 502, 504 or a connection reset. */
  failRate?: number;
  /** Requests per second allowed; more get 429 with Retry-After. */
  throttle?: number;
  /** Seed for the failure dice, so fault runs repeat. */
  faultSeed?: number;
}

export type FaultDecision =
  | { kind: "ok" }
  | { kind: "status"; status: number }
  | { kind: "reset" }
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "garbage" };

/** mulberry32: a small seeded PRNG, enough for fault dice. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;
  private windowStart = 0;
  private windowCount = 0;
  private readonly queued: FaultDecision[] = [];

  constructor(
    public options: FaultOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.random = seededRandom(options.faultSeed ?? 1);
  }

  private writes = 0;
  private failingWrite = 0;

  /** Makes the `n`th write (POST, PUT, DELETE) from now fail with a 500. For tests. */
  failWrite(n: number): void {
    this.writes = 0;
    this.failingWrite = n;
  }

  /** Counts a write; true when it is the one that must fail. */
  writeFails(): boolean {
    if (!this.failingWrite) return false;
    this.writes++;
    if (this.writes !== this.failingWrite) return false;
    this.failingWrite = 0;
    return true;
  }

  /** Forces the next requests' outcomes, in order, before any random faults. For tests. */
  enqueue(...decisions: FaultDecision[]): void {
    this.queued.push(...decisions);
  }

  decide(): FaultDecision {
    const next = this.queued.shift();
    if (next) return next;
    const { throttle, failRate } = this.options;
    if (throttle && throttle > 0) {
      const t = this.now();
      if (t - this.windowStart >= 1000) {
        this.windowStart = t;
        this.windowCount = 0;
      }
      this.windowCount++;
      if (this.windowCount > throttle) {
        return {
          kind: "throttle",
          retryAfterSeconds: Math.max(1, Math.ceil((this.windowStart + 1000 - t) / 1000)),
        };
      }
    }
    if (failRate && failRate > 0 && this.random() < failRate) {
      const pick = Math.floor(this.random() * 4);
      if (pick === 3) return { kind: "reset" };
      return { kind: "status", status: [503, 502, 504][pick] ?? 503 };
    }
    return { kind: "ok" };
  }
}
