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

/**
 * Why this configuration leaves DNS rebinding open, or undefined: on a non-loopback address the Host
 * header is checked only against MCP_ALLOWED_HOSTS, and without keys a rebound page could read GET routes.
 */
export function openHostWarning(config: AppConfig): string | undefined {
  if (isLoopbackHost(config.http.host) || config.auth.mode !== 'none' || config.mcpOrigins.allowedHosts.length > 0) return undefined;
  return (
    `Listening on ${config.http.host} with AUTH_MODE=none and no MCP_ALLOWED_HOSTS: any Host header is accepted, so a DNS-rebound web page could read the API. ` +
    'Set MCP_ALLOWED_HOSTS to the names the hub is reached by, or use AUTH_MODE=api-key.'
  );
}
