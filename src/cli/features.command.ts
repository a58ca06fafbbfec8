import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';

interface FeatureViewRow {
  name: string;
  version: number;
  definition: { entities: string[]; source: { table: string }; features: { name: string }[]; ttlSeconds: number; online: boolean };
}

interface MaterializationState {
  watermark: string | null;
  lastRun: { jobId: string; sourceRows: number; entities: number; expired: number; from: string | null; to: string } | null;
  job?: { state: string; progress: { entities?: number } | number; failedReason: string | null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `mcp-hub features`: apply feature views from JSON files, list them, materialise them, read online values. */
export function featuresCommand(client: HubClient): Command {
  const features = new Command('features').description('The feature store: views, materialisation, online values');

  features
    .command('apply <files...>')
    .description('Apply feature view definitions (JSON files, one view or an array each): a changed definition becomes a new version')
    .action(async (files: string[]) => {
      for (const file of files) {
        const parsed = JSON.parse(await readFile(file, 'utf8')) as object | object[];
        for (const view of Array.isArray(parsed) ? parsed : [parsed]) {
          const applied = await client.request<FeatureViewRow>('POST', '/ml/feature-views', view);
          process.stdout.write(`${applied.name}: version ${applied.version}\n`);
        }
      }
    });

  features
    .command('list')
    .description('The latest version of every feature view')
    .action(async () => {
      const views = await client.request<FeatureViewRow[]>('GET', '/ml/feature-views');
      printTable(
        ['view', 'version', 'entities', 'source', 'features', 'ttl s', 'online'],
        views.map((v) => [v.name, v.version, v.definition.entities.join(', '), v.definition.source.table, v.definition.features.map((f) => f.name).join(', '), v.definition.ttlSeconds, v.definition.online ? 'yes' : 'no']),
      );
    });

  features
    .command('materialize <view>')
    .description('Materialise an online view into Redis (incremental from its watermark) and wait for it')
    .option('--start <time>', 'source time to start after (ISO 8601); default: the watermark')
    .option('--end <time>', 'source time to end at (ISO 8601); default: now')
    .action(async (view: string, options: { start?: string; end?: string }) => {
      const { jobId } = await client.request<{ jobId: string }>('POST', `/ml/feature-views/${encodeURIComponent(view)}/materialize`, { start: options.start, end: options.end });
      process.stderr.write(`Materialising ${view} (job ${jobId})`);
      for (;;) {
        const state = await client.request<MaterializationState>('GET', `/ml/feature-views/${encodeURIComponent(view)}/materialization?jobId=${jobId}`);
        if (state.job?.state === 'failed') throw new Error(`materialising ${view} failed: ${state.job.failedReason}`);
        if (state.lastRun?.jobId === jobId) {
          const run = state.lastRun;
          process.stderr.write('\n');
          process.stdout.write(`${view}: ${run.sourceRows} source rows in (${run.from ?? 'the beginning'}, ${run.to}] → ${run.entities} entities written, ${run.expired} past the TTL; watermark ${state.watermark}\n`);
          return;
        }
        const progress = state.job?.progress;
        process.stderr.write(typeof progress === 'object' && progress?.entities ? ` ${progress.entities}` : '.');
        await sleep(500);
      }
    });

  features
    .command('get <view:feature...>')
    .description('Online values, e.g. `mcp-hub features get customer_stats:amount --entity customer_id=7`')
    .requiredOption('--entity <key=value...>', 'the entity keys (repeat for several keys of one entity)')
    .action(async (references: string[], options: { entity: string[] }) => {
      const entity = Object.fromEntries(
        options.entity.map((pair) => {
          const at = pair.indexOf('=');
          if (at <= 0) throw new Error(`--entity "${pair}": expected key=value`);
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      );
      printJson(await client.request('POST', '/ml/features/online', { features: references, entities: [entity] }));
    });

  return features;
}
