import { HubFixture } from '../support/hub-fixture';
import { Json } from '../support/http';
import { IRIS_FEATURES, trainAndRegister } from '../support/ml';

/**
 * POST /api/ml/models/{name}/predict and /invocations are answered in front of Express
 * (PredictIngress). The same routes reached through Express (the path with a trailing slash, which the
 * fast path leaves alone) must answer every request alike: status, error code, fields, headers.
 */
describe('the prediction fast path answers as the REST route does', () => {
  let fixture: HubFixture;
  const row = Object.fromEntries(IRIS_FEATURES.map((name, i) => [name, [5.1, 3.5, 1.4, 0.2][i]]));

  beforeAll(async () => {
    fixture = await HubFixture.start('predict-fast-path', { mcpServers: {} });
    await fixture.api.send('POST', '/api/ml/datasets', { uri: 'local://data/sample.csv', name: 'iris' });
    await trainAndRegister(fixture.api, 'iris-fast', { dataset: 'iris', target: 'species', adapter: 'node', algorithm: 'cart' });
  }, 120_000);

  afterAll(async () => {
    await fixture?.stop();
  });

  interface Sent {
    path?: string;
    query?: string;
    body?: string;
    headers?: Record<string, string>;
  }

  /** Sends the request to the fast path and to Express; returns both answers, reduced to what a client reads. */
  async function both({ path = '/api/ml/models/iris-fast/predict', query = '', body = JSON.stringify({ instances: [row] }), headers = { 'content-type': 'application/json' } }: Sent) {
    const answers = [];
    for (const url of [`${path}${query}`, `${path}/${query}`]) {
      const response = await fetch(fixture.hub.url(url), { method: 'POST', headers, body });
      const text = await response.text();
      const json = (text ? JSON.parse(text) : undefined) as Json;
      answers.push({
        status: response.status,
        contentType: response.headers.get('content-type'),
        hasRequestId: /^[\w.:-]{1,128}$/.test(response.headers.get('x-request-id') ?? ''),
        retryAfter: response.headers.get('retry-after'),
        body: json?.requestId === undefined ? json : { ...json, requestId: typeof json.requestId === 'string' ? 'present' : json.requestId },
      });
    }
    return answers;
  }

  it('the trailing-slash form really goes through Express: only it gets a request log line', async () => {
    const [fast, rest] = await both({ query: '?ref=production' });
    expect(fast.status).toBe(200);
    expect(rest).toEqual(fast);
    const requestLine = (url: string) => (line: Json) => line.req?.url === url && line.res?.statusCode === 200;
    await fixture.hub.waitForLog(requestLine('/api/ml/models/iris-fast/predict/?ref=production'));
    expect(fixture.hub.logs.filter(requestLine('/api/ml/models/iris-fast/predict?ref=production'))).toEqual([]);
  });

  it.each<[string, Sent]>([
    ['a prediction', {}],
    ['MLflow invocations', { path: '/api/ml/models/iris-fast/invocations', body: JSON.stringify({ dataframe_split: { columns: IRIS_FEATURES, data: [[6.7, 3, 5.2, 2.3]] } }) }],
    ['a ref', { query: '?ref=1' }],
    ['an unknown ref', { query: '?ref=9' }],
    ['a bad ref', { query: '?ref=a.b' }],
    ['an unknown query key', { query: '?limit=1' }],
    ['an unknown model', { path: '/api/ml/models/nope/predict' }],
    ['a bad model name', { path: '/api/ml/models/-bad/predict' }],
    ['a row of the wrong type', { body: JSON.stringify({ instances: [{ ...row, sepal_length: 'long' }] }) }],
    ['a missing column', { body: JSON.stringify({ instances: [{ sepal_length: 1 }] }) }],
    ['no rows', { body: JSON.stringify({ instances: [] }) }],
    ['two shapes', { body: JSON.stringify({ instances: [row], dataframe_records: [row] }) }],
    ['an unknown body key', { body: JSON.stringify({ instances: [row], extra: true }) }],
    ['NUL in a value', { body: JSON.stringify({ instances: [{ ...row, sepal_length: 'a\u0000' }] }) }],
    ['a body that is not JSON', { body: '{"instances": [' }],
    ['an empty body', { body: '' }],
    ['JSON nested 100 deep', { body: `{"instances": [${'['.repeat(100)}${']'.repeat(100)}]}` }],
    ['a text/plain body', { headers: { 'content-type': 'text/plain' } }],
    ['a body with no Content-Type', { headers: {} }],
    ['a foreign Origin', { headers: { 'content-type': 'application/json', origin: 'https://evil.example' } }],
    ['a foreign Host', { headers: { 'content-type': 'application/json', host: 'evil.example' } }],
    ['an 11 MB body', { body: JSON.stringify({ instances: [row], params: { pad: 'x'.repeat(11 * 1024 * 1024) } }) }],
  ])('%s', async (_case, sent) => {
    const [fast, rest] = await both(sent);
    expect(rest).toEqual(fast);
  });

  it('a JSON body that is not an object or an array: 400 BAD_REQUEST from both', async () => {
    const answers = await both({ body: '"instances"' });
    for (const answer of answers) expect(answer).toMatchObject({ status: 400, hasRequestId: true, body: { code: 'BAD_REQUEST', message: expect.stringMatching(/^Unexpected token/) } });
  });

  it('every answer has the fields the documentation promises', async () => {
    const [fast] = await both({ body: JSON.stringify({ instances: [row, row] }) });
    expect(fast.body).toEqual({ model: { name: 'iris-fast', version: 1 }, predictions: ['setosa', 'setosa'], probabilities: null });
    const [refused] = await both({ body: JSON.stringify({ instances: [{ ...row, petal_width: 'wide' }] }) });
    expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'instances[0].petal_width' }] } });
  });
});
