import { Command, Option } from 'commander';
import { formatNumber, printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';
import { positiveInteger } from './option-parsers';
import { rowsFromJson } from './predict-input';

interface Explanation {
  model: { name: string; version: number };
  method: string;
  background: { rows: number; source: string };
  results: { prediction: unknown; output: { kind: string; class?: string }; value: number; baseValue: number; contributions: Record<string, number> }[];
}

/** `mcp-hub explain`: each row's Shapley values, largest first, as a table (or the API's JSON). */
export function explainCommand(client: HubClient): Command {
  return new Command('explain')
    .description("Why a registered model predicted what it did: each input column's contribution (Shapley value) for each row")
    .argument('<model>', 'registered model name')
    .requiredOption('--json <rows>', 'one row \'{"col": value, ...}\' or a list of up to 10 rows')
    .option('--ref <ref>', 'version number, alias, stage or latest', 'production')
    .addOption(new Option('--method <method>', 'exact up to 10 columns, sampled above').choices(['auto', 'exact', 'sampled']).default('auto'))
    .option('--permutations <n>', 'sampled: permutations', positiveInteger)
    .option('--output <format>', 'table or json', 'table')
    .addHelpText('after', `
Example:
  mcp-hub explain iris-classifier --json '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'`)
    .action(async (model: string, o: { json: string; ref: string; method: string; permutations?: number; output: string }) => {
      const body = { instances: rowsFromJson(o.json), method: o.method, ...(o.permutations ? { permutations: o.permutations } : {}) };
      const explained = await client.request<Explanation>('POST', `/ml/models/${encodeURIComponent(model)}/explain?ref=${encodeURIComponent(o.ref)}`, body);
      if (o.output === 'json') return printJson(explained);
      process.stdout.write(`${explained.model.name} version ${explained.model.version}, ${explained.method} Shapley values against ${explained.background.rows} background rows (${explained.background.source})\n`);
      explained.results.forEach((result, i) => {
        const what = result.output.kind === 'probability' ? `p(${result.output.class})` : 'value';
        process.stdout.write(`\nrow ${i}: prediction ${String(result.prediction)}; ${what} ${formatNumber(result.value)} = base ${formatNumber(result.baseValue)} + contributions\n`);
        const ranked = Object.entries(result.contributions).sort(([, a], [, b]) => Math.abs(b) - Math.abs(a));
        printTable(['column', 'contribution'], ranked.map(([column, value]) => [column, formatNumber(value)]));
      });
    });
}
