/**
 * Fault points for the fault suite (npm run test:faults): with OCTOPORT_FAULT set to
 * `POINT:N:SIGNAL` (e.g. `export-rename:12:SIGKILL`), the process sends itself SIGNAL the
 * Nth time it passes POINT. Unset, each point costs a comparison. Points: `export-file`
 * (a file staged by an export), `export-rename` (a file renamed into place by its commit),
 * `snapshot-file` (a file of a snapshot written to its staging directory).
 */
const spec = parse(process.env.OCTOPORT_FAULT);
const passed = new Map<string, number>();

function parse(text: string | undefined): { point: string; n: number; signal: NodeJS.Signals } | undefined {
  const m = /^([a-z-]+):(\d+):(SIG[A-Z]+)$/.exec(text ?? "");
  return m ? { point: m[1]!, n: Number(m[2]), signal: m[3] as NodeJS.Signals } : undefined;
}

export function faultPoint(point: string): void {
  if (!spec || spec.point !== point) return;
  const n = (passed.get(point) ?? 0) + 1;
  passed.set(point, n);
  if (n === spec.n) process.kill(process.pid, spec.signal);
}
