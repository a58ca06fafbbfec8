import { once } from 'node:events';
import { Command, Option } from 'commander';
import { formatNumber, printJson, printTable } from './cli-output';
import { HubClient, HubRequestError } from './hub-client';
import { Chunk, chunksOf, Row, rowsFromJson, shiftRowIndexes } from './predict-input';
import { positiveInteger } from './option-parsers';
import { ProgressDisplay } from './progress-display';

interface Prediction {
  model: { name: string; version: number };
  predictions: (string | number)[];
  probabilities: Record<string, number>[] | null;
}

interface Options {
  ref: string;
  input?: string;
  json?: string;
  output: 'table' | 'json' | 'jsonl';
  batchSize: number;
}

/** Classes shown as columns of their own; with more, the table shows the predicted class's probability. */
const MAX_CLASS_COLUMNS = 6;

function printPredictions(result: Prediction): void {
  process.stdout.write(`${result.model.name} version ${result.model.version}\n`);
  const classes = result.probabilities ? [...new Set(result.probabilities.flatMap((p) => Object.keys(p)))] : [];
  const perClass = classes.length > 0 && classes.length <= MAX_CLASS_COLUMNS;
  const head = ['row', 'prediction', ...(perClass ? classes.map((c) => `p(${c})`) : classes.length ? ['probability'] : [])];
  printTable(
    head,
    result.predictions.map((prediction, i) => {
      const probabilities = result.probabilities?.[i] ?? {};
      const cells = perClass ? classes.map((c) => (probabilities[c] === undefined ? '' : formatNumber(probabilities[c]))) : classes.length ? [formatNumber(probabilities[String(prediction)] ?? Number.NaN)] : [];
      return [i, typeof prediction === 'number' ? formatNumber(prediction) : prediction, ...cells];
    }),
  );
}

export function predictCommand(client: HubClient): Command {
  return new Command('predict')
    .description('Predict with a registered model: rows from --json or a JSON Lines file (--input), sent in chunks with a progress bar')
    .argument('<model>', 'registered model name')
    .option('--ref <ref>', 'version number, alias, stage or latest', 'production')
    .option('--input <file>', 'JSON Lines file, one row object per line ("-" for stdin; a .json file holds a list of rows)')
    .option('--json <rows>', 'one row \'{"col": value, ...}\' or a list of rows')
    .addOption(new Option('--output <format>', 'table, json (one document) or jsonl (one line per row, written as chunks are answered)').choices(['table', 'json', 'jsonl']).default('table'))
    .option('--batch-size <rows>', 'rows per request for --input', positiveInteger, 1000)
    .addHelpText('after', `
Examples:
  mcp-hub predict iris-classifier --json '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'
  mcp-hub predict iris-classifier --ref champion --input rows.jsonl --output jsonl > predictions.jsonl`)
    .action(async (model: string, o: Options) => {
      if ((o.input === undefined) === (o.json === undefined)) throw new Error('give the rows with --json \'{...}\' or --input rows.jsonl (one of them)');
      const chunks: AsyncIterable<Chunk> = o.json !== undefined ? single(rowsFromJson(o.json)) : chunksOf(o.input!, o.batchSize);
      const merged: Prediction = { model: { name: model, version: 0 }, predictions: [], probabilities: null };
      let ref = o.ref;
      let progress: ProgressDisplay | undefined;
      for await (const chunk of chunks) {
        if (chunk.offset > 0) progress ??= new ProgressDisplay();
        const result = await predict(client, model, ref, chunk);
        // every later chunk goes to the version that answered the first, even if a promotion happens meanwhile
        ref = String(result.model.version);
        merged.model = result.model;
        if (o.output === 'jsonl') await writeLines(result, chunk.offset);
        else {
          merged.predictions.push(...result.predictions);
          if (result.probabilities) (merged.probabilities ??= []).push(...result.probabilities);
        }
        const done = chunk.offset + chunk.rows.length;
        progress?.update(chunk.fraction ?? 0, 'predicting', `${done} rows`);
      }
      progress?.stop();
      if (o.output === 'json') printJson(merged);
      else if (o.output === 'table') printPredictions(merged);
    });
}

async function* single(rows: Row[]): AsyncGenerator<Chunk> {
  yield { rows, offset: 0, fraction: 1 };
}

async function predict(client: HubClient, model: string, ref: string, chunk: Chunk): Promise<Prediction> {
  try {
    return await client.post<Prediction>(`/ml/models/${encodeURIComponent(model)}/predict?ref=${encodeURIComponent(ref)}`, { instances: chunk.rows });
  } catch (error) {
    if (error instanceof HubRequestError && chunk.offset > 0) throw new HubRequestError(`${shiftRowIndexes(error.message, chunk.offset)} (row numbers count from the start of the input)`, error.status, error.code);
    throw error;
  }
}

/** One line per row; waits while stdout's reader is behind, so a large input never piles up in memory. */
async function writeLines(result: Prediction, offset: number): Promise<void> {
  const lines = result.predictions.map((prediction, i) => JSON.stringify({ row: offset + i, prediction, ...(result.probabilities ? { probabilities: result.probabilities[i] } : {}) }));
  if (!process.stdout.write(`${lines.join('\n')}\n`)) await once(process.stdout, 'drain');
}
