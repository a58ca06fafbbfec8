import { Command, Option } from 'commander';
import { formatNumber, printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';

interface Version {
  version: number;
  stage: string;
  metrics: Record<string, number>;
  artifactUri: string;
  trainingJobId: string | null;
  runId: string | null;
  createdAt: string;
  signature: { inputs: { name: string; type: string }[]; output: { name: string; type: string; task: string } };
}

interface Model {
  name: string;
  description: string | null;
  versions: Version[];
  aliases: Record<string, number>;
  updatedAt: string;
}

interface HistoryEntry {
  seq: string;
  version: number | null;
  action: string;
  fromValue: string | null;
  toValue: string | null;
  actor: string;
  reason: string | null;
  time: string;
}

const headline = (metrics: Record<string, number>) =>
  Object.entries(metrics)
    .filter(([k]) => ['accuracy', 'f1_macro', 'r2', 'rmse'].includes(k))
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(' ');

export function modelsCommand(client: HubClient): Command {
  const models = new Command('models').description('The model registry: versions, stages, aliases, history');
  const path = (name: string) => `/ml/models/${encodeURIComponent(name)}`;

  models
    .command('list')
    .description('Registered models')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await client.get<{ name: string }[]>('/ml/models');
      const views = await Promise.all(all.map((m) => client.get<Model>(path(m.name))));
      if (o.json) return printJson(views);
      if (!views.length) return void process.stdout.write('no registered models; train with --register-as <name>, or: mcp-hub models register <name> --job <id>\n');
      printTable(
        ['model', 'versions', 'production', 'aliases', 'updated'],
        views.map((m) => [m.name, m.versions.length, m.versions.find((v) => v.stage === 'Production')?.version ?? '-', Object.entries(m.aliases).map(([a, v]) => `${a}→${v}`).join(', '), m.updatedAt]),
      );
    });

  models
    .command('show <name>')
    .description('A model: its versions with stage and metrics, and its aliases')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const model = await client.get<Model>(path(name));
      if (o.json) return printJson(model);
      const aliasesOf = (version: number) => Object.entries(model.aliases).filter(([, v]) => v === version).map(([a]) => a).join(', ');
      process.stdout.write(`${model.name}${model.description ? ` — ${model.description}` : ''}\n`);
      printTable(['version', 'stage', 'aliases', 'metrics', 'job', 'created'], model.versions.map((v) => [v.version, v.stage, aliasesOf(v.version), headline(v.metrics), v.trainingJobId, v.createdAt]));
    });

  models
    .command('register <name>')
    .description('Register a succeeded training job as the next version')
    .requiredOption('--job <id>', 'training job id')
    .option('--description <text>')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { job: string; description?: string; json?: boolean }) => {
      const version = await client.post<Version>(`${path(name)}/versions`, { jobId: o.job, ...(o.description ? { description: o.description } : {}) });
      if (o.json) printJson(version);
      else process.stdout.write(`registered ${name} version ${version.version} (${headline(version.metrics)})\n`);
    });

  models
    .command('promote <name> <version>')
    .description('Move a version to a stage; to production archives the current one; promoting an earlier version rolls back')
    .addOption(new Option('--stage <stage>', 'target stage').choices(['none', 'staging', 'production', 'archived']).makeOptionMandatory())
    .option('--reason <text>', 'recorded in the history')
    .option('--keep-existing', 'do not archive the version in production (refused while one is there)')
    .option('--json', 'print JSON')
    .action(async (name: string, version: string, o: { stage: string; reason?: string; keepExisting?: boolean; json?: boolean }) => {
      const moved = await client.post<Version>(`${path(name)}/versions/${version}/stage`, { stage: o.stage, ...(o.reason ? { reason: o.reason } : {}), ...(o.keepExisting ? { archiveExisting: false } : {}) });
      if (o.json) printJson(moved);
      else process.stdout.write(`${name} version ${moved.version} is now in ${moved.stage}\n`);
    });

  models
    .command('alias <name> <alias> <version>')
    .description('Point an alias (e.g. champion) at a version, moving it from where it was')
    .option('--reason <text>', 'recorded in the history')
    .option('--json', 'print JSON')
    .action(async (name: string, alias: string, version: string, o: { reason?: string; json?: boolean }) => {
      const aliases = await client.request<Record<string, number>>('PUT', `${path(name)}/aliases/${encodeURIComponent(alias)}`, { version: Number(version), ...(o.reason ? { reason: o.reason } : {}) });
      if (o.json) printJson(aliases);
      else process.stdout.write(`${name}: ${Object.entries(aliases).map(([a, v]) => `${a} → ${v}`).join(', ')}\n`);
    });

  models
    .command('history <name>')
    .description('Every version created, stage transition and alias move: who, when, from, to, why')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const entries = await client.get<HistoryEntry[]>(`${path(name)}/history`);
      if (o.json) return printJson(entries);
      printTable(['time', 'version', 'action', 'from', 'to', 'who', 'reason'], entries.map((e) => [e.time, e.version, e.action, e.fromValue, e.toValue, e.actor, e.reason]));
    });

  return models;
}
