import { HubTool, HubToolRegistry } from './hub-tool-registry';

const tool = (name: string, description = 'd'): HubTool => ({
  group: 'g',
  scope: 'read',
  definition: { name, description, inputSchema: { type: 'object' } },
  call: async () => ({ content: [] }),
});

describe('hub tool registry', () => {
  it('serves fixed tools and replaceable sets side by side, and tells listeners only when a set changed', () => {
    const registry = new HubToolRegistry();
    let changes = 0;
    registry.onChange(() => changes++);
    registry.register(tool('g__fixed'));
    expect(registry.replaceSet('models', [tool('m__a'), tool('m__b')])).toBe(true);
    expect(registry.list().map((t) => t.definition.name)).toEqual(['g__fixed', 'm__a', 'm__b']);
    expect(registry.get('m__b')?.definition.name).toBe('m__b');
    expect(registry.replaceSet('models', [tool('m__a'), tool('m__b')])).toBe(false);
    expect(changes).toBe(1);
    expect(registry.replaceSet('models', [tool('m__a', 'v2')])).toBe(true);
    expect(registry.get('m__b')).toBeUndefined();
    expect(registry.get('m__a')?.definition.description).toBe('v2');
    expect(registry.replaceSet('models', [])).toBe(true);
    expect(registry.list().map((t) => t.definition.name)).toEqual(['g__fixed']);
    expect(changes).toBe(3);
    expect(registry.replaceSet('other', [])).toBe(false);
  });

  it('refuses a name twice, across fixed tools and sets', () => {
    const registry = new HubToolRegistry();
    registry.register(tool('g__fixed'));
    registry.replaceSet('one', [tool('m__a')]);
    expect(() => registry.replaceSet('two', [tool('m__a')])).toThrow('m__a is registered twice');
    expect(() => registry.replaceSet('two', [tool('g__fixed')])).toThrow('g__fixed is registered twice');
    expect(() => registry.register(tool('m__a'))).toThrow('m__a is registered twice');
    expect(registry.replaceSet('one', [tool('m__a'), tool('m__c')])).toBe(true);
  });
});
