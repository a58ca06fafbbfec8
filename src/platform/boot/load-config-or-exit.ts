import { config as loadDotenv } from 'dotenv';
import { AppConfig } from '../config/app-config';
import { ConfigError, loadConfig, logsToTerminal } from '../config/load-config';
import { preflight } from './preflight';
import { insecureBindProblem, openHostWarning } from '../auth/bind-policy';

/** Reads .env (without overriding the environment), validates; prints every problem and exits 1 if invalid. */
export function loadConfigOrExit(): AppConfig {
  loadDotenv({ quiet: true });
  try {
    const config = loadConfig(process.env, logsToTerminal());
    const bindProblem = insecureBindProblem(config);
    if (bindProblem) {
      process.stderr.write(`${bindProblem}\n`);
      process.exit(1);
    }
    const hostWarning = openHostWarning(config);
    if (hostWarning) process.stderr.write(`Warning: ${hostWarning}\n`);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nFix these variables (see .env.example) and start again.\n`);
    process.exit(1);
  }
}

/** PostgreSQL and Redis must answer before the app is built; otherwise say how to start them and exit 1. */
export async function preflightOrExit(config: AppConfig): Promise<void> {
  try {
    await preflight(config);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
