import { Command, InvalidArgumentError } from 'commander';
import { formatNumber, printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';
import { number } from './option-parsers';

interface Variant {
  name: string;
  ref: string;
  version: number;
  weight: number;
}

interface AbTest {
  name: string;
  model: string;
  status: string;
  variants: Variant[];
  metric: { kind: string; name: string };
  minimumDetectableEffect: number | null;
  createdAt: string;
  conclusion: { winner: string | null; version: number | null; promoted: boolean; reason: string } | null;
}

interface Interval {
  low: number;
  high: number;
}

interface VariantResult {
  name: string;
  version: number;
  control: boolean;
  n: number;
  outcomes: number;
  rate?: number | null;
  mean?: number | null;
  interval: Interval | null;
  comparison: { pValue?: number; difference?: number; interval?: Interval; significant?: boolean; reason?: string } | null;
  sampleSize: { required: number; remaining: number } | null;
}

interface Results {
  test: string;
  status: string;
  metric: string;
  metricName: string;
  comparisonAlpha: number;
  variants: VariantResult[];
  sampleRatioMismatch: { method: string; chiSquare: number; pValue: number; mismatch: boolean; note: string | null } | null;
  sampleSizeNote: string | null;
  warnings: string[];
}

/** `name=ref` or `name=ref:weight` (weight 1 when left out); repeatable, the first is the control. */
function variant(value: string, previous: { name: string; ref: string; weight: number }[]) {
  const match = /^([^=]+)=([^:]+)(?::(.+))?$/.exec(value);
  const weight = match?.[3] === undefined ? 1 : Number(match[3]);
  if (!match || !(weight > 0)) throw new InvalidArgumentError('expected name=ref[:weight], e.g. control=production:50 or treatment=4:50');
  return [...previous, { name: match[1], ref: match[2], weight }];
}

function metric(value: string) {
  const match = /^(proportion|mean):(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected proportion:<name> or mean:<name>, e.g. proportion:converted');
  return { kind: match[1], name: match[2] };
}

const interval = (i: Interval | null | undefined) => (i ? `[${formatNumber(i.low)}, ${formatNumber(i.high)}]` : '');

export function abCommand(client: HubClient): Command {
  const ab = new Command('ab').description('A/B tests of model versions: create, results, stop, conclude');
  const path = (name: string) => `/ml/ab-tests/${encodeURIComponent(name)}`;

  ab.command('create <name>')
    .description('Create an A/B test; the first --variant is the control, e.g. --variant control=production:50 --variant treatment=4:50')
    .requiredOption('--model <model>', 'registered model')
    .requiredOption('--variant <name=ref[:weight]>', 'a variant: version number, alias, stage or latest, and its weight (repeatable)', variant, [])
    .requiredOption('--metric <kind:name>', 'proportion:<name> (0/1 outcomes) or mean:<name> (numbers)', metric)
    .option('--mde <effect>', 'minimum detectable effect, absolute (0.02 = two points of a rate)', number)
    .option('--alpha <alpha>', 'significance level (default 0.05)', number)
    .option('--power <power>', 'power for the sample size (default 0.8)', number)
    .option('--json', 'print JSON')
    .action(async (name: string, o: { model: string; variant: { name: string; ref: string; weight: number }[]; metric: { kind: string; name: string }; mde?: number; alpha?: number; power?: number; json?: boolean }) => {
      const test = await client.post<AbTest>('/ml/ab-tests', {
        name,
        model: o.model,
        variants: o.variant,
        metric: o.metric,
        ...(o.mde !== undefined ? { minimumDetectableEffect: o.mde } : {}),
        ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
        ...(o.power !== undefined ? { power: o.power } : {}),
      });
      if (o.json) return printJson(test);
      process.stdout.write(`created A/B test ${test.name} on ${test.model}: ${test.variants.map((v) => `${v.name} → version ${v.version} (weight ${v.weight})`).join(', ')}\n`);
    });

  ab.command('list')
    .description('A/B tests, newest first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const tests = await client.get<AbTest[]>('/ml/ab-tests');
      if (o.json) return printJson(tests);
      printTable(['test', 'model', 'status', 'variants', 'metric', 'winner', 'created'], tests.map((t) => [t.name, t.model, t.status, t.variants.map((v) => `${v.name}@${v.version}`).join(', '), `${t.metric.kind}:${t.metric.name}`, t.conclusion?.winner, t.createdAt]));
    });

  ab.command('results <name>')
    .description('Per variant: units, outcomes, rate or mean with interval, difference with the control, p-value, units still needed; the sample-ratio check')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const results = await client.get<Results>(`${path(name)}/results`);
      if (o.json) return printJson(results);
      const estimate = results.metric === 'proportion' ? 'rate' : 'mean';
      printTable(
        ['variant', 'version', 'units', 'outcomes', estimate, 'interval', 'difference', 'interval', 'p-value', 'significant', 'still needed'],
        results.variants.map((v) => {
          const value = v.rate ?? v.mean;
          const c = v.comparison;
          return [
            `${v.name}${v.control ? ' (control)' : ''}`,
            v.version,
            v.n,
            v.outcomes,
            value === null || value === undefined ? '' : formatNumber(value),
            interval(v.interval),
            c?.difference === undefined ? (c?.reason ?? '') : formatNumber(c.difference),
            interval(c?.interval),
            c?.pValue === undefined ? '' : c.pValue.toPrecision(3),
            c?.significant === undefined ? '' : c.significant ? 'yes' : 'no',
            v.sampleSize?.remaining ?? '',
          ];
        }),
      );
      const srm = results.sampleRatioMismatch;
      process.stdout.write(`${results.test} (${results.status}), ${results.metric} of ${results.metricName}, comparisons at alpha ${results.comparisonAlpha}\n`);
      if (srm) process.stdout.write(`sample-ratio check: chi-square ${formatNumber(srm.chiSquare)}, p ${srm.pValue.toPrecision(3)}${srm.method === 'chi-square' ? '' : ` (${srm.method})`}${srm.mismatch ? ' — MISMATCH' : ', ok'}${srm.note ? `; ${srm.note}` : ''}\n`);
      if (results.sampleSizeNote) process.stdout.write(`sample size: ${results.sampleSizeNote}\n`);
      for (const warning of results.warnings) process.stdout.write(`warning: ${warning}\n`);
    });

  ab.command('stop <name>')
    .description('Stop assigning new units (units already in keep their variant)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const test = await client.post<AbTest>(`${path(name)}/stop`);
      if (o.json) return printJson(test);
      process.stdout.write(`${test.name} is ${test.status}\n`);
    });

  ab.command('conclude <name>')
    .description("End the test; with --winner, promote the winner's version to Production (recorded in the model history)")
    .option('--winner <variant>', 'the winning variant; leave out for no winner')
    .requiredOption('--reason <text>', 'why, recorded with the conclusion and in the model history')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { winner?: string; reason: string; json?: boolean }) => {
      const test = await client.post<AbTest>(`${path(name)}/conclude`, { reason: o.reason, ...(o.winner ? { winner: o.winner } : {}) });
      if (o.json) return printJson(test);
      const c = test.conclusion!;
      const promotion = c.winner ? (c.promoted ? `; ${test.model} version ${c.version} is now in Production` : `; ${test.model} version ${c.version} was in Production already`) : '; nothing promoted';
      process.stdout.write(`${test.name} concluded, winner: ${c.winner ?? 'none'}${promotion}\n`);
    });

  return ab;
}
