import { AppConfig } from '../config/app-config';
import { isLoopbackHost } from './loopback';

/** The last few Host and Origin values seen: a client sends the same one with every request. */
const recentHostnames = new Map<string, string | undefined>();

/** Host part of a Host header or an origin URL, without port or brackets. */
function hostnameOf(value: string): string | undefined {
  if (recentHostnames.has(value)) return recentHostnames.get(value);
  if (recentHostnames.size >= 64) recentHostnames.clear();
  const name = parseHostname(value);
  recentHostnames.set(value, name);
  return name;
}

function parseHostname(value: string): string | undefined {
  if (!value.includes('://')) {
    const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
    if (bracketed) return bracketed[1].toLowerCase();
    const [host, port, extra] = value.split(':');
    return host && extra === undefined && (port === undefined || /^\d+$/.test(port)) ? host.toLowerCase() : undefined;
  }
  try {
    return new URL(value).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * DNS-rebinding and CSRF protection for every route (/api and /mcp alike). A browser Origin must be a
 * loopback origin or one of MCP_ALLOWED_ORIGINS; the Host header must be a loopback name or one of
 * MCP_ALLOWED_HOSTS (when the hub listens on loopback, or when MCP_ALLOWED_HOSTS is set). Anything
 * else gets 403. `checkHost: false` skips the Host rule (health probes).
 */
export function originPolicyProblem(
  config: AppConfig,
  origin: string | undefined,
  host: string | undefined,
  { checkHost = true }: { checkHost?: boolean } = {},
): string | undefined {
  const { allowedOrigins, allowedHosts } = config.mcpOrigins;
  if (origin !== undefined && origin !== 'null') {
    const originHost = hostnameOf(origin);
    const allowed = allowedOrigins.includes('*') || allowedOrigins.includes(origin.replace(/\/$/, '')) || (originHost !== undefined && isLoopbackHost(originHost));
    if (!allowed) return `Origin ${origin} is not allowed (add it to MCP_ALLOWED_ORIGINS)`;
  } else if (origin === 'null') {
    return 'Origin null is not allowed';
  }
  if (checkHost && (isLoopbackHost(config.http.host) || allowedHosts.length > 0)) {
    const name = host ? hostnameOf(host) : undefined;
    if (!name || !(isLoopbackHost(name) || allowedHosts.includes(name))) return `Host ${host ?? '(none)'} is not allowed (add it to MCP_ALLOWED_HOSTS)`;
  }
  return undefined;
}
