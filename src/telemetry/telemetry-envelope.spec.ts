import { toEnvelope, toEnvelopeFast } from './telemetry-envelope';

describe('toEnvelope', () => {
  it('fills id (UUID v7), time, specversion and severity', () => {
    const result = toEnvelope({ source: 'test', type: 'mcp.tool.call', data: { ok: true } });
    expect('envelope' in result).toBe(true);
    if (!('envelope' in result)) return;
    expect(result.envelope.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(Date.parse(result.envelope.time)).not.toBeNaN();
    expect(result.envelope).toMatchObject({ specversion: '1.0', severity: 'info', source: 'test', type: 'mcp.tool.call', data: { ok: true } });
  });

  it('names each bad field', () => {
    const result = toEnvelope({ source: '', type: 'Bad Type', time: 'yesterday', attributes: { nested: { no: 1 } }, extra: 1 });
    expect('problems' in result && result.problems.map((p) => p.field).sort()).toEqual(['attributes.nested', 'extra', 'source', 'time', 'type']);
    const attributes = toEnvelope({ source: 's', type: 't', attributes: { nested: { no: 1 } } });
    expect('problems' in attributes && attributes.problems).toEqual([{ field: 'attributes.nested', reason: 'must be a string, number or boolean' }]);
  });

  it('refuses events over the size limit', () => {
    const result = toEnvelope({ source: 's', type: 't', data: 'x'.repeat(70 * 1024) });
    expect('problems' in result && result.problems[0].reason).toMatch(/at most 65536 are allowed/);
  });
});

describe('toEnvelope with defaults', () => {
  it('takes id and time from the defaults when the event has none, so a redelivery is the same event', () => {
    const defaults = { id: '6f1d3a2e-9c4b-5e8f-a7d6-2b1c0e9f8a7d', time: '2026-11-25T10:00:00.000Z' };
    const first = toEnvelope({ source: 's', type: 't' }, defaults);
    const again = toEnvelope({ source: 's', type: 't' }, defaults);
    expect(first).toEqual(again);
    expect('envelope' in first && first.envelope).toMatchObject(defaults);
  });
});

describe('toEnvelopeFast', () => {
  const defaults = { id: '6f1d3a2e-9c4b-5e8f-a7d6-2b1c0e9f8a7d', time: '2026-11-25T10:00:00.000Z' };

  it('gives the same envelope as the full validation for plain events', () => {
    const raw = { id: '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b', source: 's', type: 'mcp.tool.call', time: '2026-11-25T11:00:00.000Z', severity: 'warn', subject: 'a/b', data: { x: 1 } };
    expect(toEnvelopeFast(raw, defaults)).toEqual(toEnvelope(raw, defaults));
    expect(toEnvelopeFast({ source: 's', type: 't' }, defaults)).toEqual(toEnvelope({ source: 's', type: 't' }, defaults));
  });

  it('falls back to the full validation, with its reasons, for anything else', () => {
    expect(toEnvelopeFast({ source: 's', type: 'Bad' }, defaults)).toEqual(toEnvelope({ source: 's', type: 'Bad' }, defaults));
    const withAttributes = { source: 's', type: 't', attributes: { a: 1 } };
    expect(toEnvelopeFast(withAttributes, defaults)).toEqual(toEnvelope(withAttributes, defaults));
    expect('problems' in toEnvelopeFast('nope', defaults)).toBe(true);
  });
});
