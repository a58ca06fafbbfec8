import { pythonJson } from './ml';

/** Runs a Python script with scipy on JSON input and returns its JSON output. */
export async function scipy<T>(script: string, input: unknown): Promise<T> {
  try {
    return await pythonJson<T>(['-c', script], input);
  } catch (error) {
    throw new Error(`scipy failed (apt-get install python3-scipy): ${(error as Error).message}`);
  }
}

/** A fixed pseudo-random sample: the same numbers on every run and machine. */
export function fixedSample(seed: number, n: number, mean: number, spread: number): number[] {
  let state = seed;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    // sum of four uniforms: bell-shaped, bounded
    const u = uniform() + uniform() + uniform() + uniform() - 2;
    return Math.round((mean + spread * u) * 100) / 100;
  });
}

/** Mean, sample variance (n − 1) and count. */
export const moments = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1), n: xs.length };
};
