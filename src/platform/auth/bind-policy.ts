import { AppConfig } from '../config/app-config';
import { isLoopbackHost } from './loopback';

/** Why the hub must not start with this configuration, or undefined when it may. */
export function insecureBindProblem(config: AppConfig): string | undefined {
  if (isLoopbackHost(config.http.host) || config.auth.mode !== 'none' || config.auth.allowInsecureBind) return undefined;
  return (
    `Refusing to listen on ${config.http.host} without authentication: anyone who can reach port ${config.http.port} could run the hub's tools and commands.\n` +
    'Set AUTH_MODE=api-key (and create a key with `npm run keys:create`), bind HOST=127.0.0.1, or set ALLOW_INSECURE_BIND=true if a proxy in front of the hub authenticates.'
  );
}
