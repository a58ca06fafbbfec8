/** What PostgreSQL and redis-server need from the environment; the hub's own (secrets included) stays out. */
const PASSED = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'];

export function serverEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C' };
  for (const name of PASSED) if (source[name] !== undefined) env[name] = source[name];
  return env;
}
