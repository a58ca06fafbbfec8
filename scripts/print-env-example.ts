import { ENV_VARIABLES } from '../src/platform/config/load-config';

/** Prints .env.example from the config schema: `npx ts-node --transpile-only scripts/print-env-example.ts > .env.example`. */
const lines = ['# MCP Hub configuration. Copy to .env and change what you need; every value shown is the default.', '# Variables left empty are off when unset.', ''];
for (const [name, spec] of ENV_VARIABLES) {
  lines.push(`# ${spec.description}. Expected: ${spec.expected}.`);
  lines.push(`${name}=${spec.default ?? ''}`);
  lines.push('');
}
process.stdout.write(lines.join('\n'));
