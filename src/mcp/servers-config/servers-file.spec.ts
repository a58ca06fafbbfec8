import { PlaceholderContext } from './placeholders';
import { commandsToRun, mergeDocuments, parseServersFile, readServersDocument, ServersConfigError } from './servers-file';

const placeholders = (env: NodeJS.ProcessEnv = {}): PlaceholderContext => ({ env, inputs: {}, workspaceFolder: '/ws', userHome: '/home/ada' });

/** Problems of the file as a whole, or else of its entries. */
const problemsOf = (text: string, env: NodeJS.ProcessEnv = {}): string[] => {
  try {
    return parseServersFile(text, placeholders(env)).serverProblems;
  } catch (error) {
    return (error as ServersConfigError).problems;
  }
};

describe('parseServersFile', () => {
  it('reads stdio and remote entries in the desktop-client format, with comments, placeholders and defaults', () => {
    const {
      servers: [memory, remote, legacy],
    } = parseServersFile(
      `{
        // the hub reads the same file desktop clients use
        "mcpServers": {
          "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"], "env": { "MEMORY_FILE_PATH": "\${env:HOME}/memory.json" }, "autoApprove": [] },
          "remote": { "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer \${TOKEN}" }, "dependsOn": ["memory"], "retry": { "maxAttempts": 2 } },
          "legacy": { "url": "http://127.0.0.1:3001/sse", "type": "sse", "disabled": true, },
        }
      }`,
      placeholders({ HOME: '/home/ada', TOKEN: 'secret' }),
    );
    expect(memory).toMatchObject({
      name: 'memory',
      source: 'file',
      transport: { kind: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/home/ada/memory.json' } },
      disabled: false,
      dependsOn: [],
      timeouts: { connectMs: 30000, requestMs: 60000 },
    });
    expect(remote.transport).toEqual({ kind: 'remote', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer secret' }, type: 'auto' });
    expect(remote.retry).toEqual({ maxAttempts: 2, initialDelayMs: 1000, maxDelayMs: 30000, multiplier: 2 });
    expect(legacy).toMatchObject({ disabled: true, transport: { type: 'sse' } });
  });

  it('names server and field of a missing placeholder, and disables only that server', () => {
    const text = '{"mcpServers": {"gh": {"command": "x", "env": {"TOKEN": "${GITHUB_TOKEN}"}}, "ok": {"command": "y"}}}';
    expect(problemsOf(text)).toEqual(['mcpServers.gh.env.TOKEN: environment variable GITHUB_TOKEN is not set']);
    const { servers } = parseServersFile(text, placeholders());
    expect(servers.map((s) => [s.name, s.disabled, s.problems])).toEqual([
      ['gh', true, ['env.TOKEN: environment variable GITHUB_TOKEN is not set']],
      ['ok', false, undefined],
    ]);
    expect(JSON.stringify(servers[0].transport)).not.toContain('${');
  });

  it('reads VS Code\'s "servers" key, a null env value from the hub\'s environment, and dev mode', () => {
    const { servers } = parseServersFile(
      '{"servers": {"vs": {"type": "stdio", "command": "node", "env": {"API_KEY": null}, "dev": {"enabled": true, "watch": ["src/**/*.js"], "cwd": "/src/vs"}}}}',
      placeholders({ API_KEY: 'from-hub' }),
    );
    expect(servers[0]).toMatchObject({ name: 'vs', transport: { env: { API_KEY: 'from-hub' } }, dev: { watch: ['src/**/*.js'], cwd: '/src/vs' } });
    expect(problemsOf('{"mcpServers": {"a": {"command": "x", "env": {"GONE": null}}}}')).toEqual(["mcpServers.a.env.GONE: null takes GONE from the hub's environment, where it is not set"]);
    expect(problemsOf('{"mcpServers": {"a": {"command": "x", "dev": {"enabled": true}}}}')).toEqual([expect.stringMatching(/^mcpServers\.a\.dev\.cwd: name the folder to watch/)]);
  });

  it('reports an unknown field, but accepts the fields other clients keep in the entry', () => {
    expect(problemsOf('{"mcpServers": {"a": {"comand": "x", "command": "x", "autoApprove": [], "disabled_tools": []}}}')).toEqual([
      expect.stringMatching(/^mcpServers\.a\.comand: unknown field; known fields are command, args/),
    ]);
  });

  it('merges files: a later server replaces the earlier one of that name; only enabled entries\' commands run', () => {
    const merged = mergeDocuments([
      readServersDocument('{"mcpServers": {"a": {"command": "one"}, "b": {"command": "${cmd: echo b}"}}}'),
      readServersDocument('{"servers": {"a": {"command": "two"}, "c": {"command": "${cmd: echo c}", "disabled": true}}}'),
    ]);
    expect([...merged.entries]).toEqual([['a', { command: 'two' }], ['b', { command: '${cmd: echo b}' }], ['c', { command: '${cmd: echo c}', disabled: true }]]);
    expect([...commandsToRun(merged)]).toEqual(['echo b']);
    // only fields whose placeholders are resolved: a command in a description never runs
    expect([...commandsToRun(readServersDocument('{"mcpServers": {"a": {"command": "x", "description": "${cmd: touch /tmp/pwned}", "comand": "${cmd: id}"}}}'))]).toEqual([]);
  });

  it('lets a disabled entry mention a variable that is not set yet', () => {
    expect(problemsOf('{"mcpServers": {"later": {"url": "https://h/mcp", "headers": {"Authorization": "Bearer ${LATER_TOKEN}"}, "disabled": true}}}')).toEqual([]);
  });

  it('lists every invalid field of every server, each disabled on its own', () => {
    const problems = problemsOf(`{"mcpServers": {
      "a": {"command": "x", "url": "http://h/mcp"},
      "b": {"retry": {"maxAttempts": 0}, "url": "ftp://nope"},
      "bad name!": {"command": "x"}
    }}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'mcpServers.a.command/url: give either command (stdio) or url (remote), not both',
        'mcpServers.b.retry.maxAttempts: maxAttempts must not be less than 1',
        'mcpServers.b.url: url must be an http:// or https:// URL',
        expect.stringMatching(/^mcpServers\.bad name!\.name: "bad name!" must be letters/),
      ]),
    );
  });

  it('bounds every field, naming it, also after placeholders are replaced', () => {
    const file = JSON.stringify({
      mcpServers: {
        big: { command: 'x', cwd: '${HUGE}', args: ['a'.repeat(20_000)], env: { 'A=B': 'v', GOOD: 1 } },
        hdr: { url: 'https://h/mcp', headers: { 'X-A': 'a\r\nInjected: 1' } },
      },
    });
    const problems = problemsOf(file, { HUGE: 'c'.repeat(5000) });
    expect(problems).toEqual([
      'mcpServers.big.args: each value in args must be shorter than or equal to 16384 characters',
      'mcpServers.big.env: env key "A=B" must be a non-empty name without "=" or NUL',
      'mcpServers.big.cwd: cwd must be shorter than or equal to 4096 characters',
      'mcpServers.hdr.headers: headers "X-A" must not contain NUL, CR or LF',
    ]);
  });

  it('rejects cycles and unknown dependencies by name', () => {
    expect(problemsOf('{"mcpServers": {"a": {"command": "x", "dependsOn": ["b"]}, "b": {"command": "y", "dependsOn": ["a"]}}}')).toEqual([
      'dependency cycle: a → b → a',
    ]);
    expect(problemsOf('{"mcpServers": {"a": {"command": "x", "dependsOn": ["ghost"]}}}')).toEqual(['server "a" depends on unknown server "ghost"']);
  });

  it('reports syntax errors with their position', () => {
    expect(problemsOf('{"mcpServers": {\n  "a": {"command": "x",,}\n}}')[0]).toBe("syntax: PropertyNameExpected at line 2, column 24");
    expect(problemsOf('[]')).toEqual(['the file must hold a JSON object with "mcpServers" (or VS Code\'s "servers")']);
    expect(problemsOf('{}')).toEqual(['"mcpServers" (or VS Code\'s "servers") is missing']);
  });
});
