import { Command } from 'commander';
import { formatNumber, printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';

interface Experiment {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
}

interface Run {
  id: string;
  name: string | null;
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  createdAt: string;
}

export function experimentsCommand(client: HubClient): Command {
  const experiments = new Command('experiments').description('Experiments and their runs');

  experiments
    .command('list')
    .description('Experiments')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await client.get<Experiment[]>('/ml/experiments');
      if (o.json) return printJson(all);
      printTable(['name', 'id', 'created', 'description'], all.map((e) => [e.name, e.id, e.createdAt, e.description]));
    });

  experiments
    .command('runs <experiment>')
    .description('Runs of an experiment, e.g. --filter "metrics.accuracy >= 0.9" --order-by "metrics.accuracy desc"')
    .option('--filter <expression>', "MLflow search syntax: <params|tags|metrics|attributes>.<key> <op> <value> [AND ...]; ops = != > >= < <= LIKE ILIKE IN NOT IN; quote a value that holds spaces, e.g. \"params.algorithm = 'random_forest' AND attributes.status = 'finished'\"")
    .option('--order-by <order>', 'metrics.<key>|params.<key>|created [asc|desc]')
    .option('--json', 'print JSON')
    .action(async (experiment: string, o: { filter?: string; orderBy?: string; json?: boolean }) => {
      const query = new URLSearchParams({ ...(o.filter ? { filter: o.filter } : {}), ...(o.orderBy ? { orderBy: o.orderBy } : {}) });
      const runs = await client.get<Run[]>(`/ml/experiments/${encodeURIComponent(experiment)}/runs?${query}`);
      if (o.json) return printJson(runs);
      printTable(['run', 'name', 'status', 'metrics', 'created'], runs.map((r) => [r.id, r.name, r.status, Object.entries(r.metrics).filter(([k]) => k !== 'loss').map(([k, v]) => `${k}=${formatNumber(v)}`).join(' '), r.createdAt]));
    });

  return experiments;
}

export function runsCommand(client: HubClient): Command {
  const runs = new Command('runs').description('Experiment runs');

  runs
    .command('compare <ids...>')
    .description('Params and latest metrics of two or more runs, side by side')
    .option('--json', 'print JSON')
    .action(async (ids: string[], o: { json?: boolean }) => {
      const table = await client.get<{ runs: Run[]; params: Record<string, Record<string, string | null>>; metrics: Record<string, Record<string, number | null>> }>(`/ml/runs/compare?ids=${ids.map(encodeURIComponent).join(',')}`);
      if (o.json) return printJson(table);
      const head = ['', ...table.runs.map((r) => `${r.name ?? ''} ${r.id.slice(-8)}`.trim())];
      printTable(head, [
        ...Object.entries(table.metrics).map(([key, byRun]) => [`metric ${key}`, ...table.runs.map((r) => (byRun[r.id] === null ? '' : formatNumber(byRun[r.id]!)))]),
        ...Object.entries(table.params).map(([key, byRun]) => [`param ${key}`, ...table.runs.map((r) => byRun[r.id] ?? '')]),
      ]);
    });

  runs
    .command('show <id>')
    .description('One run')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const run = await client.get<Run>(`/ml/runs/${id}`);
      if (o.json) return printJson(run);
      printTable(['field', 'value'], [['id', run.id], ['name', run.name], ['status', run.status], ...Object.entries(run.params).map(([k, v]) => [`param ${k}`, v]), ...Object.entries(run.metrics).map(([k, v]) => [`metric ${k}`, formatNumber(v)])]);
    });

  return runs;
}
