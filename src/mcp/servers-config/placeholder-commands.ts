import { execFile } from 'node:child_process';
import { CommandOutcome } from './placeholders';

const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Runs each `${cmd: ...}` of the servers file once, in parallel, through /bin/sh with a time limit;
 * the placeholder becomes the trimmed standard output. A failure is that command's outcome, not a throw.
 */
export async function runPlaceholderCommands(commands: Iterable<string>, options: { timeoutMs: number; cwd: string }): Promise<Map<string, CommandOutcome>> {
  const outcomes = await Promise.all(
    [...commands].map(
      (command) =>
        new Promise<[string, CommandOutcome]>((resolve) => {
          execFile('/bin/sh', ['-c', command], { timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, cwd: options.cwd, windowsHide: true }, (error, stdout) => {
            if (!error) return resolve([command, { output: stdout.trim() }]);
            const reason = error.killed
              ? `no answer within ${options.timeoutMs} ms`
              : typeof error.code === 'number'
                ? `exit code ${error.code}` // its stderr may hold what it was meant to fetch: not repeated here
                : error.message;
            resolve([command, { error: reason }]);
          });
        }),
    ),
  );
  return new Map(outcomes);
}
