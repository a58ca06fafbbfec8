import { ENV_VARIABLES } from '../src/platform/config/load-config';

/**
 * Prints .env.example from the config schema, or with --markdown the README's variable table:
 *   npx ts-node --transpile-only scripts/print-env-example.ts > .env.example
 */
const lines: string[] = [];
if (process.argv.includes('--markdown')) {
  lines.push('| Variable | Default | What it does |', '| --- | --- | --- |');
  for (const [name, spec] of ENV_VARIABLES) lines.push(`| \`${name}\` | ${spec.default === undefined ? `*(unset: ${spec.unset ?? 'off'})*` : `\`${spec.default}\``} | ${spec.description} |`);
} else {
  lines.push('# MCP Hub configuration. Copy to .env and change what you need; every value shown is the default.', '# Variables left empty are off when unset, unless their line says what unset means.', '');
  // a variable that must not be empty is shown commented out: uncommented and empty, it would stop the hub
  for (const [name, spec] of ENV_VARIABLES) lines.push(`# ${spec.description}. Expected: ${spec.expected}.`, `${spec.emptyRefused ? '# ' : ''}${name}=${spec.default ?? ''}`, '');
}
process.stdout.write(lines.join('\n') + '\n');
