/**
 * Ctrl-C and SIGTERM as a flag that work polls at its safe points, for as long as the work
 * runs (the process's own handling is back once `dispose` is called). A second signal stops
 * the process at once (exit 130 or 143), after `onSecond`.
 */
export interface Interrupt {
  /** The signal received, once one was. */
  readonly signal: NodeJS.Signals | undefined;
  dispose(): void;
}

export function watchInterrupt(onFirst?: (signal: NodeJS.Signals) => void, onSecond?: () => void): Interrupt {
  const state: { signal: NodeJS.Signals | undefined } = { signal: undefined };
  const handler = (name: NodeJS.Signals) => {
    if (state.signal === undefined) {
      state.signal = name;
      onFirst?.(name);
      return;
    }
    onSecond?.();
    process.exit(exitCodeOf(name));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    get signal() {
      return state.signal;
    },
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** 128 + the signal's number, as a shell reports a process stopped by it. */
export function exitCodeOf(signal: NodeJS.Signals | string | undefined): number {
  return signal === "SIGTERM" ? 143 : 130;
}
