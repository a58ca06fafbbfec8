import { MASK, isSecretName, maskArgs, maskSecrets, maskUrl, maskValues } from './secret-mask';

describe('secret masking', () => {
  it('recognises credential names and leaves ordinary ones alone', () => {
    for (const name of ['token', 'access_token', 'GITHUB_TOKEN', 'api_key', 'apiKey', 'api-key', 'key', 'sig', 'X-Amz-Signature', 'password', 'passwd', 'client_secret', 'auth', '--token', 'sessionId'])
      expect({ name, secret: isSecretName(name) }).toEqual({ name, secret: true });
    for (const name of ['page', 'limit', 'cwd', 'keyword', 'monkeys', 'q', 'format', '--port', 'region'])
      expect({ name, secret: isSecretName(name) }).toEqual({ name, secret: false });
  });

  it('masks user info and credential query parameters of a URL, keeping the rest as written', () => {
    expect(maskUrl('https://alice:s3cret@mcp.example.com/mcp?token=abc&page=2')).toBe(`https://alice:${MASK}@mcp.example.com/mcp?token=${MASK}&page=2`);
    expect(maskUrl('https://ghp_abcdef@github.example/x')).toBe(`https://${MASK}@github.example/x`);
    expect(maskUrl('http://h/p?api_key=1&key=2&sig=3&access_token=4&X-Amz-Signature=5&q=ok#frag')).toBe(
      `http://h/p?api_key=${MASK}&key=${MASK}&sig=${MASK}&access_token=${MASK}&X-Amz-Signature=${MASK}&q=ok#frag`,
    );
    expect(maskUrl('http://h/p?api%5Fkey=1')).toBe(`http://h/p?api%5Fkey=${MASK}`);
    expect(maskUrl('http://127.0.0.1:3000/mcp')).toBe('http://127.0.0.1:3000/mcp');
  });

  it('masks URLs, assignments, JSON fields and auth headers inside free text', () => {
    expect(maskSecrets('Request cannot be constructed from a URL that includes credentials: http://bob:pw@10.0.0.1:9/mcp?access_token=t1')).toBe(
      `Request cannot be constructed from a URL that includes credentials: http://bob:${MASK}@10.0.0.1:9/mcp?access_token=${MASK}`,
    );
    expect(maskSecrets('spawn tool --token=abc --port=3 API_KEY=xyz')).toBe(`spawn tool --token=${MASK} --port=3 API_KEY=${MASK}`);
    expect(maskSecrets('{"password":"hunter2","user":"bob"}')).toBe(`{"password":"${MASK}","user":"bob"}`);
    expect(maskSecrets('header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x')).toBe(`header Authorization: Bearer ${MASK}`);
    expect(maskSecrets('Basic dXNlcjpwYXNz')).toBe(`Basic ${MASK}`);
    expect(maskSecrets('Basic authentication failed; MCP error code -32601')).toBe('Basic authentication failed; MCP error code -32601');
    expect(maskSecrets('connect ECONNREFUSED 127.0.0.1:9')).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('masks --flag=value, the value after a bare credential flag, and URLs among arguments', () => {
    expect(maskArgs(['-y', 'server', '--token=abc', '--api-key', 'k1', '--password', 'p1', '--port', '8080', '--url', 'https://u:p@h/?key=1', '--verbose'])).toEqual([
      '-y',
      'server',
      `--token=${MASK}`,
      '--api-key',
      MASK,
      '--password',
      MASK,
      '--port',
      '8080',
      '--url',
      `https://u:${MASK}@h/?key=${MASK}`,
      '--verbose',
    ]);
    expect(maskArgs(['--token', '--next'])).toEqual(['--token', '--next']);
  });

  it('masks every value of a map', () => {
    expect(maskValues({ A: 'x', B: '' })).toEqual({ A: MASK, B: MASK });
  });
});
