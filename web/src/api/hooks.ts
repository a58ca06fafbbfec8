import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

/** A client error other than 429 will not go away by asking again. */
const isFinal = (error: unknown) => error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;

/**
 * Loads `load()` now and again when `deps` change (dropping what the old deps loaded). With
 * `refreshMs`, polls: the next request starts only once the previous answered (slower in a hidden
 * tab), and stops after a client error. reload() asks again, at most one request at a time: calls
 * while one is in flight are merged into one more after it.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const inFlight = useRef(false);
  const queued = useRef(false);
  useEffect(() => setState({ loading: true }), deps);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    inFlight.current = true;
    setState((s) => ({ ...s, loading: true }));
    loader
      .current()
      .then(
        (data) => live && setState({ data, loading: false }),
        (error: Error) => {
          if (live) setState((s) => ({ data: s.data, error, loading: false }));
          return isFinal(error);
        },
      )
      .then((stop) => {
        inFlight.current = false;
        if (!live) return;
        if (queued.current) {
          queued.current = false;
          setTick((t) => t + 1);
        } else if (refreshMs && stop !== true) {
          timer = setTimeout(() => setTick((t) => t + 1), document.hidden ? refreshMs * 5 : refreshMs);
        }
      });
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [...deps, tick, refreshMs]);
  const reload = useCallback(() => {
    if (inFlight.current) queued.current = true;
    else setTick((t) => t + 1);
  }, []);
  return { ...state, reload };
}

/** Runs an action, keeping its error (shown to the user) and whether it is running. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): { run: (...args: A) => Promise<R | undefined>; running: boolean; error: Error | undefined; clear: () => void } {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error>();
  const run = async (...args: A) => {
    setRunning(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught as Error);
      return undefined;
    } finally {
      setRunning(false);
    }
  };
  return { run, running, error, clear: () => setError(undefined) };
}
