import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';

interface Column {
  name: string;
  type: string;
  missing: number;
  distinct: number;
  min?: number;
  max?: number;
  top?: { value: string; count: number }[];
}

interface Dataset {
  id: string;
  name: string;
  uri: string;
  format: string;
  sizeBytes: number;
  sha256: string;
  rowCount: number;
  columns: Column[];
  createdAt: string;
}

function printDataset(d: Dataset): void {
  printTable(['field', 'value'], [['id', d.id], ['name', d.name], ['uri', d.uri], ['format', d.format], ['rows', d.rowCount], ['size', `${d.sizeBytes} bytes`], ['sha256', d.sha256]]);
  printTable(
    ['column', 'type', 'missing', 'distinct', 'range / top values'],
    d.columns.map((c) => [c.name, c.type, c.missing, c.distinct, c.min !== undefined ? `${c.min} … ${c.max}` : (c.top ?? []).map((t) => `${t.value} (${t.count})`).join(', ')]),
  );
}

export function datasetsCommand(client: HubClient): Command {
  const datasets = new Command('datasets').description('Register and inspect datasets');

  datasets
    .command('add <uri-or-file>')
    .description('Register local://<path inside DATA_DIR> or s3://bucket/key; with --upload, send a local CSV / JSON Lines file')
    .option('--name <name>', 'dataset name (default: the file name)')
    .addOption(new Option('--format <format>', 'default: from the extension').choices(['csv', 'jsonl']))
    .option('--upload', 'upload the file instead of registering a URI the hub can read')
    .option('--json', 'print JSON')
    .action(async (source: string, o: { name?: string; format?: string; upload?: boolean; json?: boolean }) => {
      let dataset: Dataset;
      if (o.upload) {
        const form = new FormData();
        form.append('file', new Blob([await readFile(source)]), basename(source));
        if (o.name) form.append('name', o.name);
        if (o.format) form.append('format', o.format);
        dataset = await client.upload<Dataset>('/ml/datasets', form);
      } else {
        dataset = await client.post<Dataset>('/ml/datasets', { uri: source, ...(o.name ? { name: o.name } : {}), ...(o.format ? { format: o.format } : {}) });
      }
      if (o.json) printJson(dataset);
      else printDataset(dataset);
    });

  datasets
    .command('list')
    .description('List datasets')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await client.get<Dataset[]>('/ml/datasets');
      if (o.json) return printJson(all);
      if (!all.length) return void process.stdout.write('no datasets; add one with: mcp-hub datasets add local://data/sample.csv\n');
      printTable(['name', 'rows', 'columns', 'uri', 'id'], all.map((d) => [d.name, d.rowCount, d.columns.length, d.uri, d.id]));
    });

  datasets
    .command('show <name-or-id>')
    .description('A dataset with its inferred schema')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const dataset = await client.get<Dataset>(`/ml/datasets/${encodeURIComponent(name)}`);
      if (o.json) printJson(dataset);
      else printDataset(dataset);
    });

  return datasets;
}
