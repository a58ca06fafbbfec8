import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppConfig } from './app-config';
import { EnvironmentVariables } from './env.schema';
import { envVarSpecs } from './env-var.decorator';
import { MASK, isSecretName, maskSecrets } from '../secrets/secret-mask';

export interface ConfigProblem {
  variable: string;
  value: string | undefined;
  problem: string;
  expected: string;
}

/** Thrown when one or more environment variables are invalid; message has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}=${JSON.stringify(p.value ?? '')}: ${p.problem}; expected ${p.expected}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export const ENV_VARIABLES = envVarSpecs(EnvironmentVariables);

/** Whether log lines go to a person's terminal, where JSON is hard to read (pino-pretty is a dev dependency). */
export function logsToTerminal(): boolean {
  if (process.stdout.isTTY !== true) return false;
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Reads the hub's variables out of `source`, applies defaults, validates, and returns the typed config. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, terminal = false): AppConfig {
  const raw: Record<string, string> = {};
  const empty: ConfigProblem[] = [];
  for (const [name, spec] of ENV_VARIABLES) {
    const value = source[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
    else if (value !== undefined && spec.emptyRefused) empty.push({ variable: name, value: '', problem: 'is set but empty', expected: `${spec.expected}, or no ${name} line at all (unset: ${spec.unset})` });
    else if (spec.default !== undefined) raw[name] = spec.default;
  }
  const env = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(env, { forbidUnknownValues: true, stopAtFirstError: true });
  const problems = [...empty, ...errors.map((error) => toProblem(error, raw))];
  if (problems.length > 0) throw new ConfigError(problems);
  return new AppConfig(env, terminal);
}

function toProblem(error: ValidationError, raw: Record<string, string>): ConfigProblem {
  const messages = Object.values(error.constraints ?? {}).map((m) => m.replace(new RegExp(`^${error.property}\\s+`), ''));
  return {
    variable: error.property,
    // the message is printed and logged: a bad key or password must not appear in it
    value: raw[error.property] === undefined ? undefined : isSecretName(error.property) ? MASK : maskSecrets(raw[error.property]),
    problem: messages.join(', '),
    expected: ENV_VARIABLES.get(error.property)?.expected ?? 'a valid value',
  };
}
