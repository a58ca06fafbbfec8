import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { parse as parseQuery } from 'node:querystring';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { createValidationPipe } from '../../platform/errors/validation';
import { StorableTextPipe } from '../../platform/http/storable-text.pipe';
import { ModelNameParamsDto } from '../registry/registry.dto';
import { PredictBodyDto, PredictQueryDto } from './prediction.dto';
import { predictRequestProblems, predictRoute } from './predict-request';

/** What the REST route's global pipes answer for the same name, query and body. */
async function restProblems(name: string, query: string, body: unknown) {
  const pipes: PipeTransform[] = [new StorableTextPipe(), createValidationPipe()];
  const params: [unknown, ArgumentMetadata][] = [
    [{ name }, { type: 'param', metatype: ModelNameParamsDto }],
    [parseQuery(query), { type: 'query', metatype: PredictQueryDto }],
    [body, { type: 'body', metatype: PredictBodyDto }],
  ];
  for (const [value, metadata] of params) {
    let current = value;
    for (const pipe of pipes) {
      try {
        current = await pipe.transform(current, metadata);
      } catch (error) {
        return (error as ValidationFailedError).problems;
      }
    }
  }
  return [];
}

const ROWS = { instances: [{ a: 1 }] };

describe('predictRequestProblems', () => {
  it.each([
    ['a valid request', 'iris', '', ROWS],
    ['a ref', 'iris', 'ref=champion', ROWS],
    ['MLflow shapes and params', 'iris.v2_x-1', 'ref=3', { dataframe_split: { columns: ['a'], data: [[1]] }, params: { k: 1 } }],
    ['a name with a space', 'bad name', '', ROWS],
    ['a name starting with a dash', '-iris', '', ROWS],
    ['a name with NUL', 'ir\u0000is', '', ROWS],
    ['an empty ref', 'iris', 'ref=', ROWS],
    ['a ref given twice', 'iris', 'ref=a&ref=b', ROWS],
    ['a ref with a slash', 'iris', 'ref=a%2Fb', ROWS],
    ['an unknown query key', 'iris', 'limit=3', ROWS],
    ['NUL in the query', 'iris', 'ref=%00', ROWS],
    ['an unknown body key', 'iris', '', { ...ROWS, extra: 1 }],
    ['two unknown body keys', 'iris', '', { rows: [], extra: 1 }],
    ['NUL in a row', 'iris', '', { instances: [{ a: 'x\u0000' }] }],
    ['an unpaired surrogate in a key', 'iris', '', { instances: [{ ['\ud800']: 1 }] }],
    ['an empty body', 'iris', '', {}],
  ])('refuses what the REST pipes refuse, with the same fields and reasons: %s', async (_case, name, query, body) => {
    const route = { name, action: 'predict' as const, query };
    expect(predictRequestProblems(route, body).problems).toEqual(await restProblems(name, query, body));
  });

  it('hands on the ref it checked', () => {
    expect(predictRequestProblems({ name: 'iris', action: 'predict', query: 'ref=Production' }, ROWS)).toEqual({ problems: [], ref: 'Production' });
  });
});

describe('predictRoute', () => {
  const json = { 'content-type': 'application/json' };

  it('takes the plain POST forms of predict and invocations, name decoded, query kept', () => {
    expect(predictRoute('POST', '/api/ml/models/iris/predict', json)).toEqual({ name: 'iris', action: 'predict', query: '' });
    expect(predictRoute('POST', '/api/ml/models/ir%2Eis/invocations?ref=2', { 'content-type': 'application/json; charset=UTF-8' })).toEqual({ name: 'ir.is', action: 'invocations', query: 'ref=2' });
  });

  it.each([
    ['GET', '/api/ml/models/iris/predict', json],
    ['POST', '/api/ml/models/iris/predict/', json],
    ['POST', '/api/ml/models/iris/versions', json],
    ['POST', '/api/ml/models/a/b/predict', json],
    ['POST', '/api/ml/models/%E0%A4%A/predict', json],
    ['POST', '/api/ml/models/iris/predict', { ...json, 'content-encoding': 'gzip' }],
    ['POST', '/api/ml/models/iris/predict', { 'content-type': 'application/json; charset=latin1' }],
  ])('leaves %s %s (%j) to Express', (method, url, headers) => {
    expect(predictRoute(method, url, headers)).toBeUndefined();
  });
});
