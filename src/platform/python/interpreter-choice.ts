/** What probing one interpreter found: whether it can serve, and a short reason when it cannot. */
export interface InterpreterProbe {
  bin: string;
  usable: boolean;
  /** e.g. "not found", "missing torch", "Python 3.11.2" */
  summary: string;
}

export interface InterpreterChoice<T extends InterpreterProbe> {
  /** The first usable candidate, if any. */
  chosen?: T;
  /** Every candidate probed, in order, up to and including the chosen one. */
  tried: T[];
}

/** Probes the candidates one after the other and stops at the first usable one. */
export async function chooseInterpreter<T extends InterpreterProbe>(candidates: readonly string[], probe: (bin: string) => Promise<T>): Promise<InterpreterChoice<T>> {
  const tried: T[] = [];
  for (const bin of candidates) {
    const result = await probe(bin);
    tried.push(result);
    if (result.usable) return { chosen: result, tried };
  }
  return { tried };
}

/** "python3 (missing torch), /usr/bin/python3 (not found)" for messages. */
export function describeTried(tried: readonly InterpreterProbe[]): string {
  return tried.map((probe) => `${probe.bin} (${probe.summary})`).join(', ');
}
