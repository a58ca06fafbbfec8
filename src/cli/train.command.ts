import { Command, InvalidArgumentError, Option } from 'commander';
import { formatNumber, printJson, printTable, sleep } from './cli-output';
import { HubClient, HubRequestError } from './hub-client';
import { FINAL_STATUSES, followJob, JOB_STATUS_CHOICES } from './follow-job';
import { number } from './option-parsers';

interface Job {
  id: string;
  status: string;
  adapter: string;
  algorithm: string;
  task: string;
  target: string;
  progress: number;
  stage: string | null;
  attempts: number;
  error: string | null;
  errorKind: string | null;
  metrics: Record<string, number> | null;
  artifact: { uri: string; sha256: string; size: number } | null;
  createdAt: string;
  finishedAt: string | null;
}

interface LogLine {
  seq: string;
  time: string;
  level: string;
  message: string;
}

interface Dataset {
  id: string;
  name: string;
  uri: string;
}

function keyValue(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const index = value.indexOf('=');
  if (index <= 0) throw new InvalidArgumentError('expected key=value, e.g. n_estimators=200');
  const raw = value.slice(index + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // a plain string such as kernel=rbf
  }
  return { ...previous, [value.slice(0, index)]: parsed };
}

/** A URI such as local://data/sample.csv is registered on the fly (or found, when it already is). */
async function resolveDataset(client: HubClient, dataset: string): Promise<string> {
  if (!dataset.includes('://')) return dataset;
  const existing = (await client.get<Dataset[]>('/ml/datasets')).find((d) => d.uri === dataset);
  if (existing) return existing.id;
  try {
    return (await client.post<Dataset>('/ml/datasets', { uri: dataset })).id;
  } catch (error) {
    if (!(error instanceof HubRequestError) || error.code !== 'DATASET_NAME_TAKEN') throw error;
    const stem = dataset.split('/').pop()!.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
    return (await client.post<Dataset>('/ml/datasets', { uri: dataset, name: `${stem}-${Date.now().toString(36)}` })).id;
  }
}

function printJob(job: Job): void {
  printTable(
    ['field', 'value'],
    [
      ['id', job.id],
      ['status', job.status],
      ['model', `${job.adapter}/${job.algorithm} (${job.task}, target ${job.target})`],
      ['progress', `${Math.round(job.progress * 100)}%${job.stage ? ` · ${job.stage}` : ''}`],
      ['attempts', job.attempts],
      ...(job.error ? [['error', `${job.errorKind ?? ''}: ${job.error}`]] : []),
      ...(job.artifact ? [['artifact', job.artifact.uri]] : []),
      ['created', job.createdAt],
      ...(job.finishedAt ? [['finished', job.finishedAt]] : []),
    ],
  );
  if (job.metrics) printTable(['metric', 'value'], Object.entries(job.metrics).map(([k, v]) => [k, formatNumber(v)]));
}

const waitFor = (client: HubClient, id: string, json: boolean) => followJob<Job>(client, `/ml/training-jobs/${id}`, json, (job) => job.stage);

export function trainCommand(client: HubClient): Command {
  const train = new Command('train').description('Submit and follow training jobs');

  train
    .command('submit')
    .description('Queue a training job (--wait follows it with a progress bar, then prints the metrics)')
    .addOption(new Option('--adapter <adapter>', 'training adapter').choices(['sklearn', 'torch', 'node']).makeOptionMandatory())
    .requiredOption('--algorithm <name>', 'e.g. random_forest, mlp (GET /api/ml/adapters lists them)')
    .requiredOption('--dataset <name|id|uri>', 'dataset name or id, or a URI such as local://data/sample.csv (registered on the fly)')
    .requiredOption('--target <column>', 'column to predict')
    .option('--features <columns>', 'comma-separated feature columns (default: all others)', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .addOption(new Option('--task <task>', 'inferred from the target when absent').choices(['classification', 'regression']))
    .option('--param <key=value>', 'hyperparameter, repeatable (values parsed as JSON when they can be)', keyValue, {})
    .option('--holdout <fraction>', 'holdout fraction (default 0.2)', number)
    .option('--folds <k>', 'k-fold cross-validation instead of a holdout', number)
    .option('--seed <n>', 'random seed (default 42)', number)
    .option('--experiment <name>', 'experiment to record the run under')
    .option('--register-as <model>', 'register the model under this name when it succeeds')
    .option('--timeout-ms <ms>', 'time limit of the job', number)
    .option('--wait', 'follow the job until it ends; exit 1 unless it succeeded')
    .option('--json', 'print JSON')
    .action(async (o: Record<string, unknown> & { param: Record<string, unknown> }) => {
      const dataset = await resolveDataset(client, o.dataset as string);
      const body = {
        adapter: o.adapter,
        algorithm: o.algorithm,
        dataset,
        target: o.target,
        ...(o.features ? { features: o.features } : {}),
        ...(o.task ? { task: o.task } : {}),
        hyperparameters: o.param,
        ...(o.holdout !== undefined || o.folds !== undefined ? { validation: { ...(o.holdout !== undefined ? { holdout: o.holdout } : {}), ...(o.folds !== undefined ? { folds: o.folds } : {}) } } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.experiment ? { experiment: o.experiment } : {}),
        ...(o.registerAs ? { registerAs: o.registerAs } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      };
      const queued = await client.post<Job>('/ml/training-jobs', body);
      if (!o.wait) {
        if (o.json) printJson(queued);
        else process.stdout.write(`queued training job ${queued.id}\nfollow it with: mcp-hub train status ${queued.id}  (or train logs ${queued.id} --follow)\n`);
        return;
      }
      if (!o.json) process.stderr.write(`queued training job ${queued.id}\n`);
      const job = await waitFor(client, queued.id, Boolean(o.json));
      if (o.json) printJson(job);
      else printJob(job);
      if (job.status !== 'succeeded') process.exitCode = 1;
    });

  train
    .command('list')
    .description('List training jobs, newest first')
    .addOption(new Option('--status <status>', 'filter').choices(JOB_STATUS_CHOICES).default('all'))
    .option('--limit <n>', 'how many', number, 50)
    .option('--json', 'print JSON')
    .action(async (o: { status: string; limit: number; json?: boolean }) => {
      const jobs = await client.get<Job[]>(`/ml/training-jobs?status=${o.status}&limit=${o.limit}`);
      if (o.json) return printJson(jobs);
      if (!jobs.length) return void process.stdout.write('no training jobs\n');
      const headline = (job: Job) => (job.metrics ? Object.entries(job.metrics).filter(([k]) => ['accuracy', 'r2'].includes(k)).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ') : '');
      printTable(['id', 'status', 'model', 'progress', 'metric', 'created'], jobs.map((j) => [j.id, j.status, `${j.adapter}/${j.algorithm}`, `${Math.round(j.progress * 100)}%`, headline(j), j.createdAt]));
    });

  train
    .command('status <id>')
    .description('Status, progress, metrics and artifact of one job')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const job = await client.get<Job>(`/ml/training-jobs/${id}`);
      if (o.json) printJson(job);
      else printJob(job);
    });

  train
    .command('logs <id>')
    .description("A job's log lines; --follow keeps printing until the job ends")
    .option('--follow', 'keep following')
    .option('--json', 'print JSON lines')
    .action(async (id: string, o: { follow?: boolean; json?: boolean }) => {
      let after = '0';
      for (;;) {
        const lines = await client.get<LogLine[]>(`/ml/training-jobs/${id}/logs?after=${after}`);
        for (const line of lines) process.stdout.write(o.json ? `${JSON.stringify(line)}\n` : `${line.time} ${line.level.padEnd(6)} ${line.message}\n`);
        if (lines.length) after = lines[lines.length - 1].seq;
        if (!o.follow) return;
        if (lines.length === 0) {
          const job = await client.get<Job>(`/ml/training-jobs/${id}`);
          if (FINAL_STATUSES.includes(job.status)) {
            const rest = await client.get<LogLine[]>(`/ml/training-jobs/${id}/logs?after=${after}`);
            for (const line of rest) process.stdout.write(o.json ? `${JSON.stringify(line)}\n` : `${line.time} ${line.level.padEnd(6)} ${line.message}\n`);
            return;
          }
          await sleep(500);
        }
      }
    });

  train
    .command('cancel <id>')
    .description('Cancel a queued or running job')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const job = await client.post<Job>(`/ml/training-jobs/${id}/cancel`);
      if (o.json) printJson(job);
      else process.stdout.write(`training job ${job.id} is ${job.status}\n`);
    });

  return train;
}
