import { Command, InvalidArgumentError, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';
import { followJob, JOB_STATUS_CHOICES } from './follow-job';
import { positiveInteger } from './option-parsers';

interface BatchJob {
  id: string;
  status: string;
  model: string;
  ref: string;
  version: number;
  input: { kind: string; datasetName?: string; uri?: string };
  outputFormat: string;
  rowsDone: number;
  rowsTotal: number | null;
  progress: number;
  attempts: number;
  error: string | null;
  errorKind: string | null;
  outputColumns: string[] | null;
  outputUrl: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const rows = (job: BatchJob) => `${job.rowsDone.toLocaleString('en-US')}${job.rowsTotal !== null ? ` / ${job.rowsTotal.toLocaleString('en-US')}` : ''} rows`;
const inputOf = (job: BatchJob) => (job.input.kind === 'dataset' ? `dataset ${job.input.datasetName}` : job.input.uri);

function printJob(job: BatchJob): void {
  printTable(
    ['field', 'value'],
    [
      ['id', job.id],
      ['status', job.status],
      ['model', `${job.model} v${job.version} (ref ${job.ref})`],
      ['input', inputOf(job)],
      ['progress', `${Math.round(job.progress * 100)}% · ${rows(job)}`],
      ['attempts', job.attempts],
      ...(job.error ? [['error', `${job.errorKind ?? ''}: ${job.error}`]] : []),
      ...(job.outputColumns ? [['columns', job.outputColumns.join(', ')]] : []),
      ...(job.outputUrl ? [['download', `mcp-hub batch download ${job.id} -o predictions.${job.outputFormat}`]] : []),
      ['created', job.createdAt],
      ...(job.finishedAt ? [['finished', job.finishedAt]] : []),
    ],
  );
}

const waitFor = (client: HubClient, id: string, json: boolean) => followJob<BatchJob>(client, `/ml/batch-predictions/${id}`, json, rows);

/** Streams the output to a file (or stdout) as it arrives: memory stays flat whatever its size. */
async function download(client: HubClient, id: string, file?: string): Promise<number> {
  const response = await client.download(`/ml/batch-predictions/${id}/output`);
  if (!response.body) throw new Error('the hub answered without a body');
  const target: Writable = file ? createWriteStream(file) : process.stdout;
  let bytes = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await pipeline(body, target, { end: Boolean(file) });
  return bytes;
}

export function batchCommand(client: HubClient): Command {
  const batch = new Command('batch').description('Batch predictions: a registered model over a whole file, resumable, output to download');

  batch
    .command('submit <model>')
    .description('Queue a batch prediction (--wait follows it with a progress bar; --output then downloads the result)')
    .option('--dataset <name|id>', 'a registered dataset')
    .option('--uri <uri>', 'instead of --dataset: local://<path inside DATA_DIR> or artifact://<key>')
    .option('--ref <ref>', 'version number, alias, stage or latest', 'production')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'jsonl']).default('csv'))
    .addOption(new Option('--input-format <format>', 'input format, when the file name does not tell').choices(['csv', 'jsonl']))
    .option('--id-column <column>', "input column copied into the output (default: the row's number)")
    .option('--chunk-size <rows>', 'rows per chunk (one predict call, one output part, one checkpoint)', positiveInteger)
    .option('--wait', 'follow the job until it ends; exit 1 unless it succeeded')
    .option('-o, --output <file>', 'with --wait: download the output to this file when the job succeeded')
    .option('--json', 'print JSON')
    .action(async (model: string, o: { dataset?: string; uri?: string; ref: string; format: string; inputFormat?: string; idColumn?: string; chunkSize?: number; wait?: boolean; output?: string; json?: boolean }) => {
      if (!o.dataset === !o.uri) throw new InvalidArgumentError('give either --dataset or --uri');
      const body = {
        model,
        ref: o.ref,
        input: { ...(o.dataset ? { datasetId: o.dataset } : { uri: o.uri }), ...(o.inputFormat ? { format: o.inputFormat } : {}) },
        output: { format: o.format },
        ...(o.idColumn ? { idColumn: o.idColumn } : {}),
        ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}),
      };
      const queued = await client.post<BatchJob>('/ml/batch-predictions', body);
      if (!o.wait) {
        if (o.json) printJson(queued);
        else process.stdout.write(`queued batch prediction ${queued.id} (${model} v${queued.version})\nfollow it with: mcp-hub batch status ${queued.id}\n`);
        return;
      }
      if (!o.json) process.stderr.write(`queued batch prediction ${queued.id} (${model} v${queued.version})\n`);
      const job = await waitFor(client, queued.id, Boolean(o.json));
      if (job.status === 'succeeded' && o.output) {
        const bytes = await download(client, job.id, o.output);
        if (!o.json) process.stderr.write(`wrote ${bytes} bytes to ${o.output}\n`);
      }
      if (o.json) printJson(job);
      else printJob(job);
      if (job.status !== 'succeeded') process.exitCode = 1;
    });

  batch
    .command('status <id>')
    .description('Status, rows done of total and error of one batch prediction')
    .option('--wait', 'follow it with a progress bar until it ends')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { wait?: boolean; json?: boolean }) => {
      const job = o.wait ? await waitFor(client, id, Boolean(o.json)) : await client.get<BatchJob>(`/ml/batch-predictions/${id}`);
      if (o.json) printJson(job);
      else printJob(job);
    });

  batch
    .command('list')
    .description('Batch predictions, newest first')
    .addOption(new Option('--status <status>', 'filter').choices(JOB_STATUS_CHOICES).default('all'))
    .option('--model <name>', 'only this model')
    .option('--limit <n>', 'how many', positiveInteger, 50)
    .option('--offset <n>', 'skip this many (next page)', (v: string) => (v === '0' ? 0 : positiveInteger(v)), 0)
    .option('--json', 'print JSON')
    .action(async (o: { status: string; model?: string; limit: number; offset: number; json?: boolean }) => {
      const query = new URLSearchParams({ status: o.status, limit: String(o.limit), offset: String(o.offset), ...(o.model ? { model: o.model } : {}) });
      const jobs = await client.get<BatchJob[]>(`/ml/batch-predictions?${query}`);
      if (o.json) return printJson(jobs);
      if (!jobs.length) return void process.stdout.write('no batch predictions\n');
      printTable(['id', 'status', 'model', 'input', 'rows', 'created'], jobs.map((j) => [j.id, j.status, `${j.model} v${j.version}`, inputOf(j), rows(j), j.createdAt]));
    });

  batch
    .command('download <id>')
    .description("Download a succeeded job's output (to stdout unless -o)")
    .option('-o, --output <file>', 'write to this file')
    .action(async (id: string, o: { output?: string }) => {
      const bytes = await download(client, id, o.output);
      if (o.output) process.stderr.write(`wrote ${bytes} bytes to ${o.output}\n`);
    });

  batch
    .command('cancel <id>')
    .description('Cancel a queued or running batch prediction')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const job = await client.post<BatchJob>(`/ml/batch-predictions/${id}/cancel`);
      if (o.json) printJson(job);
      else process.stdout.write(`batch prediction ${job.id} is ${job.status} (${rows(job)})\n`);
    });

  return batch;
}
