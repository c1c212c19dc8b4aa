/** When and how long to wait before retrying a request to Octopus. */

export const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

/** Network error codes worth another attempt: resets, timeouts, broken pipes. */
export const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ESOCKETTIMEDOUT",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "EAI_AGAIN",
]);

export interface RetryPolicy {
  /** Failures (5xx, resets, timeouts) retried before giving up. Throttling does not count. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long one request may keep being throttled (429, or 503 with Retry-After) before it
   * gives up: a throttled request waits as the server asks and is not a failure, so this,
   * not maxRetries, bounds it.
   */
  throttleDeadlineMs: number;
  /** Attempts that got no answer within the timeout, after which the request gives up. */
  maxTimeouts: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 300,
  maxDelayMs: 30_000,
  throttleDeadlineMs: 10 * 60_000,
  maxTimeouts: 2,
};

/** Network codes of an attempt that got no answer in time. */
export const TIMEOUT_CODES = new Set([
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/**
 * Parses a Retry-After header: delta seconds or an HTTP date. Returns milliseconds, or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (1-based): exponential backoff with full jitter,
 * never less than what the server asked for in Retry-After, never more than maxDelayMs
 * (unless the server asked for more, which is honoured up to 2 minutes).
 */
export function retryDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  if (retryAfterMs === undefined) return jittered;
  return Math.min(Math.max(retryAfterMs, jittered), 120_000);
}
