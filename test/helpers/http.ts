import type { Sandbox } from "../../src/sandbox/server.js";

/** A sandbox's answer to one request: the status and the parsed body (undefined when empty). */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  json: any;
}

/**
 * Test-only: one request to a sandbox over HTTP with its API key, answered whatever the status
 * (tests of the server's behaviour look at refusals too).
 */
export async function request(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { "X-Octopus-ApiKey": sandbox.apiKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
