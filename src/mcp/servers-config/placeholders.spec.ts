import { sep } from 'node:path';
import { PlaceholderContext, hasPlaceholder, placeholderCommands, resolvePlaceholders } from './placeholders';

const context = (extra: Partial<PlaceholderContext> = {}): PlaceholderContext => ({ env: {}, inputs: {}, workspaceFolder: '/work/space', userHome: '/home/ada', ...extra });

function resolveAll(value: string, ctx: PlaceholderContext): { value: string; problems: string[] } {
  const problems: string[] = [];
  return { value: resolvePlaceholders(value, ctx, (p) => problems.push(p)), problems };
}

describe('resolvePlaceholders', () => {
  it('replaces ${VAR} and ${env:VAR}, then MCP_HUB_ENV for ${VAR}', () => {
    expect(resolveAll('Bearer ${TOKEN} for ${env:USER_NAME} ${ONLY_INPUT}', context({ env: { TOKEN: 't0k', USER_NAME: 'ada' }, inputs: { ONLY_INPUT: 'i' } }))).toEqual({
      value: 'Bearer t0k for ada i',
      problems: [],
    });
  });

  it('resolves the editor forms: workspace, home, path separator and inputs', () => {
    expect(resolveAll('${workspaceFolder}${/}a${pathSeparator}b ${userHome} ${input:api-key}', context({ inputs: { 'api-key': 'k' } })).value).toBe(`/work/space${sep}a${sep}b /home/ada k`);
  });

  it('takes ${cmd: ...} from the outcomes run at load, and reports it when off or failed', () => {
    const commands = new Map([['echo hi', { output: 'hi' }], ['false', { error: 'exit code 1' }]]);
    expect(resolveAll('${cmd: echo hi}!', context({ commands })).value).toBe('hi!');
    expect(resolveAll('${cmd:false}', context({ commands })).problems).toEqual(['${cmd: false} failed: exit code 1']);
    expect(resolveAll('x${cmd: echo hi}', context()).problems[0]).toMatch(/command placeholders are off; set MCP_HUB_ALLOW_CMD_PLACEHOLDERS=true/);
  });

  it('never passes a placeholder through: unset, unknown forms and empty ones are problems', () => {
    const { value, problems } = resolveAll('${A}-${env:B}-$HOME-${}-${config:x}-${input:none}', context());
    expect(value).toBe('--$HOME---');
    expect(problems).toEqual([
      'environment variable A is not set',
      'environment variable B is not set',
      expect.stringMatching(/^unknown placeholder \$\{\}/),
      expect.stringMatching(/^unknown placeholder \$\{config:x\}/),
      'input none is not in MCP_HUB_ENV',
    ]);
  });

  it('reports a nested or unclosed placeholder instead of passing it on', () => {
    const ctx = context({ env: { HOME: '/h' }, commands: new Map() });
    for (const value of ["${cmd: awk '{print $1}' f}", '${cmd: echo ${HOME}}', 'x${HOME']) {
      expect(resolveAll(value, ctx).problems).toContainEqual(expect.stringMatching(/cannot read: placeholders cannot be nested/));
    }
  });
});

describe('hasPlaceholder', () => {
  it('finds any ${...}, not plain dollars or braces', () => {
    expect(hasPlaceholder('https://x/${env:SECRET}')).toBe(true);
    expect(hasPlaceholder('Bearer ${TOKEN}')).toBe(true);
    expect(hasPlaceholder('${cmd: cat /etc/passwd}')).toBe(true);
    expect(hasPlaceholder('$HOME {x} $${')).toBe(false);
  });
});

describe('placeholderCommands', () => {
  it('collects each distinct command anywhere in an entry', () => {
    expect([...placeholderCommands({ args: ['${cmd: echo a}', 'x${cmd:echo b}'], env: { A: '${cmd: echo a}' } })]).toEqual(['echo a', 'echo b']);
  });
});
