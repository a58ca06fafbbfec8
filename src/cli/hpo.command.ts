import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';
import { ProgressDisplay } from './progress-display';

interface StudyView {
  name: string;
  status: string;
  maxTrials: number;
  objective: { metric: string; direction: string };
  counts: Record<'asked' | 'running' | 'complete' | 'pruned' | 'failed' | 'total', number>;
  best: { number: number; value: number; params: Record<string, unknown>; registered?: { model: string; version: number } | null } | null;
  importances: Record<string, number> | null;
  error: string | null;
  finishedAt: string | null;
  trials?: { number: number; state: string; params: Record<string, unknown>; value: number | null; durationMs: number | null }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function printStudy(study: StudyView): void {
  const { counts } = study;
  printTable(
    ['field', 'value'],
    [
      ['study', study.name],
      ['status', study.status + (study.error ? ` (${study.error})` : '')],
      ['objective', `${study.objective.direction} ${study.objective.metric}`],
      ['trials', `${counts.total}/${study.maxTrials}: ${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed, ${counts.running + counts.asked} running`],
      ['best', study.best ? `trial ${study.best.number}: ${study.best.value} ${JSON.stringify(study.best.params)}` : '-'],
      ...(study.best?.registered ? [['registered', `${study.best.registered.model} version ${study.best.registered.version}`]] : []),
      ['importances', study.importances ? Object.entries(study.importances).map(([name, value]) => `${name} ${value.toFixed(3)}`).join(', ') : '-'],
    ],
  );
}

/** Follows a study to its end with a progress bar (finished trials of maxTrials). */
async function follow(client: HubClient, name: string): Promise<StudyView> {
  const display = new ProgressDisplay();
  try {
    for (;;) {
      const study = await client.request<StudyView>('GET', `/ml/studies/${encodeURIComponent(name)}`);
      const done = study.counts.complete + study.counts.pruned + study.counts.failed;
      const best = study.best ?? bestSoFar(study);
      display.update(study.finishedAt ? 1 : done / study.maxTrials, study.status, `${done}/${study.maxTrials} trials${best ? ` · best ${best.value}` : ''}`);
      if (study.finishedAt) return study;
      await sleep(1000);
    }
  } finally {
    display.stop();
  }
}

function bestSoFar(study: StudyView): { value: number } | undefined {
  const values = (study.trials ?? []).filter((t) => t.state === 'complete' && t.value !== null).map((t) => t.value!);
  if (!values.length) return undefined;
  return { value: study.objective.direction === 'maximize' ? Math.max(...values) : Math.min(...values) };
}

/** `mcp-hub hpo`: start a hyper-parameter search from a JSON file, follow it, read its best trial. */
export function hpoCommand(client: HubClient): Command {
  const hpo = new Command('hpo').description('Hyper-parameter search (Optuna studies whose trials are training jobs)');

  hpo
    .command('start <file>')
    .description('Start a study from a JSON file (POST /api/ml/studies body); --wait follows it with a progress bar')
    .option('--wait', 'follow the study to its end, then print the result')
    .action(async (file: string, options: { wait?: boolean }) => {
      const body = JSON.parse(await readFile(file, 'utf8')) as object;
      const study = await client.request<StudyView>('POST', '/ml/studies', body);
      process.stderr.write(`Study ${study.name}: ${study.maxTrials} trials, ${study.objective.direction} ${study.objective.metric}\n`);
      if (!options.wait) return printStudy(study);
      printStudy(await follow(client, study.name));
    });

  hpo
    .command('status <name>')
    .description("A study's progress and its trials table; --wait follows it to its end")
    .option('--wait', 'follow the study to its end')
    .option('--json', 'print the study as JSON')
    .action(async (name: string, options: { wait?: boolean; json?: boolean }) => {
      const study = options.wait ? await follow(client, name) : await client.request<StudyView>('GET', `/ml/studies/${encodeURIComponent(name)}`);
      if (options.json) return printJson(study);
      printStudy(study);
      printTable(
        ['trial', 'state', 'value', 'seconds', 'params'],
        (study.trials ?? []).map((t) => [t.number, t.state, t.value ?? '-', t.durationMs === null ? '-' : (t.durationMs / 1000).toFixed(1), JSON.stringify(t.params)]),
      );
    });

  hpo
    .command('best <name>')
    .description("The best trial's parameters and value (JSON)")
    .action(async (name: string) => {
      const study = await client.request<StudyView>('GET', `/ml/studies/${encodeURIComponent(name)}`);
      if (!study.best) throw new Error(`study ${name} has no complete trial yet (${study.status}); see mcp-hub hpo status ${name}`);
      printJson({ study: study.name, status: study.status, objective: study.objective, ...study.best });
    });

  return hpo;
}
