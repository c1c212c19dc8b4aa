/** Fault and load injection for the sandbox: latency, random failures, throttling. */

export interface FaultOptions {
  /** Milliseconds added before every response. */
  latencyMs?: number;
  /** Share of requests (0..1) that fail with a 503, 502, 504 or a connection reset. */
  failRate?: number;
  /** Requests per second allowed; more get 429 with Retry-After. */
  throttle?: number;
  /** Share of requests (0..1) answered 500, 502, 503 or 504 (beside failRate's mix). */
  errorRate?: number;
  /** Share of requests (0..1) whose connection is reset without an answer. */
  resetRate?: number;
  /** Share of requests (0..1) answered 429 with Retry-After (beside the per-second throttle). */
  throttleRate?: number;
  /** Seconds a 429 of throttleRate asks the client to wait (Retry-After); 1 by default. */
  retryAfterSeconds?: number;
  /** Seed for the failure dice, so fault runs repeat. */
  faultSeed?: number;
}

export type FaultDecision =
  | { kind: "ok" }
  | { kind: "status"; status: number }
  | { kind: "reset" }
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "garbage" }
  /** Accepts the request and never answers (until the server closes). */
  | { kind: "hang" };

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

type WriteHook = (n: number, phase: "before" | "after") => Promise<void> | void;

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

  /**
   * Called for every write (POST, PUT, DELETE), numbered from 1 from when it is set, before
   * it is applied and again after (before its answer is sent); the request waits for what it
   * returns. Tests use it to kill a client at a chosen write, with or without the write applied.
   */
  get onWrite(): WriteHook | undefined {
    return this.writeHook;
  }
  set onWrite(hook: WriteHook | undefined) {
    this.writeHook = hook;
    this.writesSeen = 0;
  }
  private writeHook: WriteHook | undefined;
  private writesSeen = 0;

  /** Numbers a write for onWrite. */
  nextWrite(): number {
    return ++this.writesSeen;
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

  /** Faults injected so far (5xx, resets, 429s, hangs, garbage), queued or random. */
  injected = 0;

  decide(): FaultDecision {
    const decision = this.roll();
    if (decision.kind !== "ok") this.injected++;
    return decision;
  }

  private roll(): FaultDecision {
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
    const { errorRate, resetRate, throttleRate } = this.options;
    if (errorRate || resetRate || throttleRate) {
      // One die for the three shares, so each share is what was asked whatever the others are.
      const roll = this.random();
      const e = errorRate ?? 0;
      const r = e + (resetRate ?? 0);
      const t = r + (throttleRate ?? 0);
      if (roll < e)
        return { kind: "status", status: [500, 502, 503, 504][Math.floor(this.random() * 4)] ?? 503 };
      if (roll < r) return { kind: "reset" };
      if (roll < t) return { kind: "throttle", retryAfterSeconds: this.options.retryAfterSeconds ?? 1 };
    }
    if (failRate && failRate > 0 && this.random() < failRate) {
      const pick = Math.floor(this.random() * 4);
      if (pick === 3) return { kind: "reset" };
      return { kind: "status", status: [503, 502, 504][pick] ?? 503 };
    }
    return { kind: "ok" };
  }
}
