import { BoundedLabels, MAX_LABEL_LENGTH, OVERFLOW_LABEL, sanitizeLabelValue } from './bounded-labels';

describe('sanitizeLabelValue', () => {
  it('keeps ordinary names as they are', () => {
    expect(sanitizeLabelValue('everything')).toBe('everything');
    expect(sanitizeLabelValue('get-sum_2.v1')).toBe('get-sum_2.v1');
    expect(sanitizeLabelValue('ünïcode 名前')).toBe('ünïcode 名前');
  });

  it('drops control, format and line-separator characters', () => {
    expect(sanitizeLabelValue('a\nb\r\tc\u0000d\u001be')).toBe('abcde');
    expect(sanitizeLabelValue('x\u202eevil\u200b\u2028y')).toBe('xevily');
  });

  it('cuts long values to MAX_LABEL_LENGTH characters, never inside a surrogate pair', () => {
    const long = sanitizeLabelValue('a'.repeat(10_000));
    expect([...long]).toHaveLength(MAX_LABEL_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    const emoji = sanitizeLabelValue('😀'.repeat(500));
    expect([...emoji]).toHaveLength(MAX_LABEL_LENGTH);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(sanitizeLabelValue('😀'.repeat(MAX_LABEL_LENGTH))).toBe('😀'.repeat(MAX_LABEL_LENGTH));
  });

  it('turns missing values into the empty string', () => {
    expect(sanitizeLabelValue(undefined)).toBe('');
    expect(sanitizeLabelValue(null)).toBe('');
  });
});

describe('BoundedLabels', () => {
  it('passes label sets through until the metric holds maxSeries of them', () => {
    const labels = new BoundedLabels(['server', 'tool'], 3);
    expect(labels.resolve({ server: 's', tool: 'a' })).toEqual({ server: 's', tool: 'a' });
    expect(labels.resolve({ server: 's', tool: 'b' })).toEqual({ server: 's', tool: 'b' });
    expect(labels.resolve({ server: 's', tool: 'c' })).toEqual({ server: 's', tool: 'c' });
    expect(labels.size).toBe(3);
  });

  it('records a new label set past the limit as other, and keeps the ones it already has', () => {
    let full = 0;
    const labels = new BoundedLabels(['server', 'tool'], 2, () => full++);
    labels.resolve({ server: 's', tool: 'a' });
    labels.resolve({ server: 's', tool: 'b' });
    for (let i = 0; i < 1000; i++) expect(labels.resolve({ server: `x${i}`, tool: 't' })).toEqual({ server: OVERFLOW_LABEL, tool: OVERFLOW_LABEL });
    expect(labels.resolve({ server: 's', tool: 'a' })).toEqual({ server: 's', tool: 'a' });
    expect(labels.size).toBe(2);
    expect(full).toBe(1);
  });

  it('counts label sets after sanitising, so variants of one name share a series', () => {
    const labels = new BoundedLabels(['type'], 1);
    expect(labels.resolve({ type: 'mcp.tool.call' })).toEqual({ type: 'mcp.tool.call' });
    expect(labels.resolve({ type: 'mcp.tool\n.call' })).toEqual({ type: 'mcp.tool.call' });
    expect(labels.resolve({ type: 'mcp.tool.call\u200b' })).toEqual({ type: 'mcp.tool.call' });
    expect(labels.size).toBe(1);
  });

  it('keeps label sets apart whose joined values would read the same', () => {
    const labels = new BoundedLabels(['a', 'b'], 10);
    labels.resolve({ a: 'p/q', b: 'r' });
    labels.resolve({ a: 'p', b: 'q/r' });
    labels.resolve({ a: 'p q', b: 'r' });
    labels.resolve({ a: 'p', b: 'q r' });
    expect(labels.size).toBe(4);
  });
});
