import { bodyProblems, messageProblem } from './json-rpc-shape';

describe('messageProblem', () => {
  it('passes what the SDK accepts: requests, notifications and responses', () => {
    expect(messageProblem({ jsonrpc: '2.0', id: 1, method: 'ping' })).toBeUndefined();
    expect(messageProblem({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x', _meta: { progressToken: 'p' } } })).toBeUndefined();
    expect(messageProblem({ jsonrpc: '2.0', id: -(2 ** 53 - 1), method: 'ping' })).toBeUndefined();
    expect(messageProblem({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBeUndefined();
    expect(messageProblem({ jsonrpc: '2.0', id: 3, result: {} })).toBeUndefined();
    expect(messageProblem({ jsonrpc: '2.0', id: 3, error: { code: -1, message: 'no', data: [1] } })).toBeUndefined();
  });

  it('refuses an id that is no string or exact integer with Invalid Request and id null', () => {
    for (const id of [1.5, 2 ** 53, 1e308, null, true, {}]) {
      expect(messageProblem({ jsonrpc: '2.0', id, method: 'ping' })).toMatchObject({ id: null, code: -32600 });
    }
    expect(messageProblem({ jsonrpc: '2.0', id: 0.5, result: {} })).toMatchObject({ id: null, code: -32600 });
  });

  it('refuses unknown members with Invalid Request, keeping a usable id', () => {
    expect(messageProblem({ jsonrpc: '2.0', id: 4, method: 'initialize', params: {}, extra: 1 })).toEqual({ id: 4, code: -32600, message: 'Invalid Request: unknown member "extra"' });
    expect(messageProblem({ jsonrpc: '2.0', method: 'notifications/initialized', id: undefined, result: {} })).toMatchObject({ id: null, code: -32600 });
    expect(messageProblem({ jsonrpc: '2.0', id: 5, result: {}, error: { code: 1, message: 'x' } })).toMatchObject({ id: 5, code: -32600 });
  });

  it('refuses params and _meta that are not objects with Invalid params', () => {
    expect(messageProblem({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: null })).toEqual({ id: 6, code: -32602, message: 'Invalid params: params must be an object' });
    expect(messageProblem({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: [] })).toMatchObject({ code: -32602 });
    expect(messageProblem({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: { _meta: 1 } })).toMatchObject({ code: -32602 });
    expect(messageProblem({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: { _meta: { progressToken: 1.5 } } })).toMatchObject({ code: -32602 });
    expect(messageProblem({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/related-task': { taskId: 1 } } } })).toMatchObject({ code: -32602 });
  });

  it('refuses what is no JSON-RPC 2.0 message at all', () => {
    expect(messageProblem('ping')).toMatchObject({ id: null, code: -32600 });
    expect(messageProblem({ jsonrpc: '1.0', id: 1, method: 'ping' })).toMatchObject({ id: null, code: -32600 });
    expect(messageProblem({ jsonrpc: '2.0', id: 1, method: 7 })).toMatchObject({ id: null, code: -32600 });
    expect(messageProblem({ jsonrpc: '2.0', id: 1 })).toMatchObject({ id: 1, code: -32600 });
    expect(messageProblem({ jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } })).toMatchObject({ id: 1, code: -32600 });
  });
});

describe('bodyProblems', () => {
  it('answers every request of a batch it refuses, the valid ones too, and refuses an empty batch', () => {
    expect(bodyProblems({ jsonrpc: '2.0', id: 1, method: 'ping' })).toEqual([]);
    expect(bodyProblems([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/initialized' }])).toEqual([]);
    const problems = bodyProblems([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 2, method: 'ping', x: 1 }, { jsonrpc: '2.0', id: 1.5, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/initialized' }]);
    expect(problems.map((p) => p.id)).toEqual([1, 2, null]);
    expect(problems[0]).toEqual({ id: 1, code: -32600, message: 'Invalid Request: not processed, since message 1 of its batch is invalid' });
    expect(bodyProblems([])).toMatchObject([{ id: null, code: -32600 }]);
  });
});
