import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { AppConfig } from '../platform/config/app-config';
import { ConfigError, loadConfig } from '../platform/config/load-config';
import { DiagnosticRow } from './diagnostic-check';
import { checkMongo, checkPostgres, checkQdrant, checkRedis, checkS3 } from './dependency-checks';
import { nodeRow } from './node-check';
import { checkPython } from './python-checks';
import { renderTable } from './render-table';

/** Every configured dependency, checked in parallel. */
export async function runDiagnostics(config: AppConfig): Promise<DiagnosticRow[]> {
  const [postgres, redis, mongo, qdrant, s3, python] = await Promise.all([
    checkPostgres(config),
    checkRedis(config),
    checkMongo(config),
    checkQdrant(config),
    checkS3(config),
    checkPython(config),
  ]);
  return [postgres, redis, mongo, qdrant, s3, ...python];
}

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const node = nodeRow();
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const rows: DiagnosticRow[] = error.problems.map((p) => ({
      check: `config ${p.variable}`,
      required: true,
      status: 'fail',
      detail: `${JSON.stringify(p.value ?? '')}: ${p.problem}`,
      hint: `Expected ${p.expected}.`,
    }));
    console.log(renderTable([node, ...rows]));
    console.log('\nConfiguration is invalid; fix the variables above (see .env.example).');
    return 1;
  }
  console.log('MCP Hub diagnostics\n');
  const rows = [node, { check: 'Configuration', required: true, status: 'ok' } as DiagnosticRow, ...(await runDiagnostics(config))];
  console.log(renderTable(rows));
  const failedRequired = rows.filter((r) => r.required && r.status === 'fail');
  if (failedRequired.length > 0) {
    console.log(`\n${failedRequired.map((r) => r.check).join(' and ')} failed: the hub cannot start until fixed.`);
    return 1;
  }
  const degraded = rows.filter((r) => !r.required && (r.status === 'fail' || r.status === 'missing'));
  console.log(degraded.length ? `\nRequired dependencies are fine; ${degraded.length} optional check(s) need attention.` : '\nAll checks passed.');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`diagnose crashed: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}
