import { describeError } from '../platform/errors/describe-error';
import { withinMs } from '../platform/within-ms';

export type DiagnosticStatus = 'ok' | 'fail' | 'warn' | 'missing' | 'disabled';

export interface DiagnosticRow {
  check: string;
  required: boolean;
  status: DiagnosticStatus;
  version?: string;
  latencyMs?: number;
  detail?: string;
  hint?: string;
}

export interface CheckOutcome {
  status?: DiagnosticStatus;
  version?: string;
  detail?: string;
  hint?: string;
}

/** Times `run`; a throw becomes status `fail` with the error as detail and `failHint` as the fix. */
export async function timedCheck(
  check: string,
  required: boolean,
  failHint: string,
  run: () => Promise<CheckOutcome>,
  timeoutMs = 8000,
): Promise<DiagnosticRow> {
  const started = performance.now();
  try {
    const outcome = await withinMs(run(), timeoutMs, `no answer within ${timeoutMs} ms`);
    return { check, required, status: 'ok', latencyMs: performance.now() - started, ...outcome };
  } catch (error) {
    return { check, required, status: 'fail', latencyMs: performance.now() - started, detail: describeError(error), hint: failHint };
  }
}
