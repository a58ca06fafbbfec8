import { config as loadDotenv } from 'dotenv';
import { AppConfig } from '../config/app-config';
import { ConfigError, loadConfig, logsToTerminal } from '../config/load-config';
import { preflight } from './preflight';
import { insecureBindProblem, openHostWarning } from '../auth/bind-policy';
import { EmbeddedServices, startEmbeddedServices } from '../embedded/embedded-services';

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

/**
 * PostgreSQL and Redis must answer before the app is built: with DATABASE_URL / REDIS_URL unset and
 * nothing at the probe URL, the embedded servers are started (or shared) first. Returns the configuration
 * with their URLs; on failure says how to fix it, stops what it started and exits 1.
 */
export async function preflightOrExit(loaded: AppConfig): Promise<{ config: AppConfig; services: EmbeddedServices }> {
  let started: { config: AppConfig; services: EmbeddedServices };
  try {
    // a person at a terminal sees why the first start pauses; log collectors get the JSON lines later
    const progress = (line: string) => {
      if (process.stderr.isTTY) process.stderr.write(`${line}…\n`);
    };
    started = await startEmbeddedServices(loaded, { progress });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  try {
    await preflight(started.config);
    return started;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    await started.services.stopAll(5000).catch(() => undefined);
    process.exit(1);
  }
}
