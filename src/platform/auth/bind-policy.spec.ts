import { loadConfig } from '../config/load-config';
import { insecureBindProblem, openHostWarning } from './bind-policy';
import { isLoopbackHost } from './loopback';

describe('bind policy', () => {
  it('recognises loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'hub.localhost']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.5', 'hub.example.com', '::']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses a public bind without auth unless told to', () => {
    expect(insecureBindProblem(loadConfig({ HOST: '127.0.0.1' }))).toBeUndefined();
    expect(insecureBindProblem(loadConfig({ HOST: '0.0.0.0' }))).toMatch(/^Refusing to listen on 0\.0\.0\.0 without authentication/);
    expect(insecureBindProblem(loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'api-key' }))).toBeUndefined();
    expect(insecureBindProblem(loadConfig({ HOST: '0.0.0.0', ALLOW_INSECURE_BIND: 'true' }))).toBeUndefined();
  });

  it('warns when a public bind without keys accepts any Host header', () => {
    expect(openHostWarning(loadConfig({ HOST: '127.0.0.1' }))).toBeUndefined();
    expect(openHostWarning(loadConfig({ HOST: '0.0.0.0', ALLOW_INSECURE_BIND: 'true' }))).toContain('MCP_ALLOWED_HOSTS');
    expect(openHostWarning(loadConfig({ HOST: '0.0.0.0', ALLOW_INSECURE_BIND: 'true', MCP_ALLOWED_HOSTS: 'hub.example.com' }))).toBeUndefined();
    expect(openHostWarning(loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'api-key' }))).toBeUndefined();
  });
});
