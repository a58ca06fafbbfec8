import { loadConfig } from '../config/load-config';
import { originPolicyProblem } from './origin-policy';

describe('origin policy (DNS-rebinding protection)', () => {
  const local = loadConfig({ HOST: '127.0.0.1', PORT: '3456' });

  it('accepts non-browser clients and loopback origins on a loopback hub', () => {
    expect(originPolicyProblem(local, undefined, '127.0.0.1:3456')).toBeUndefined();
    expect(originPolicyProblem(local, 'http://localhost:6274', 'localhost:3456')).toBeUndefined();
    expect(originPolicyProblem(local, 'http://[::1]:5173', '[::1]:3456')).toBeUndefined();
  });

  it('refuses foreign origins and rebound host names', () => {
    expect(originPolicyProblem(local, 'http://evil.example', '127.0.0.1:3456')).toMatch(/^Origin http:\/\/evil\.example is not allowed/);
    expect(originPolicyProblem(local, undefined, 'evil.example:3456')).toMatch(/^Host evil\.example:3456 is not allowed/);
    expect(originPolicyProblem(local, 'null', '127.0.0.1:3456')).toBe('Origin null is not allowed');
  });

  it('accepts configured origins and hosts', () => {
    const config = loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'api-key', MCP_ALLOWED_ORIGINS: 'https://app.example.com', MCP_ALLOWED_HOSTS: 'hub.example.com' });
    expect(originPolicyProblem(config, 'https://app.example.com', 'hub.example.com')).toBeUndefined();
    expect(originPolicyProblem(config, undefined, 'other.example.com')).toMatch(/not allowed/);
    const open = loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'api-key' });
    expect(originPolicyProblem(open, undefined, 'anything.example.com')).toBeUndefined();
  });
});
