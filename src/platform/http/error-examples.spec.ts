import type { OpenAPIObject } from '@nestjs/swagger';
import { addErrorExamples, errorExample } from './error-examples';

const errorResponse = () => ({ description: 'x', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } });

describe('error examples', () => {
  it('gives each status its own statusCode and a route-specific code for 404 and 409', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 415, 429, 500, 502, 503, 504, 418]) expect(errorExample(status, '/api/anything').statusCode).toBe(status);
    expect(errorExample(404, '/api/servers/{name}').code).toBe('SERVER_NOT_FOUND');
    expect(errorExample(404, '/api/ml/models/{name}/versions').code).toBe('MODEL_NOT_FOUND');
    expect(errorExample(409, '/api/ml/datasets').code).toBe('DATASET_NAME_TAKEN');
    expect(errorExample(409, '/api/ml/models/{name}').code).toBe('CONFLICT');
    expect(errorExample(404, '/api/serversx').code).toBe('NOT_FOUND');
  });

  it('fills error responses that use ErrorResponseDto and leaves success responses and explicit examples alone', () => {
    const explicit = { ...errorResponse(), content: { 'application/json': { ...errorResponse().content['application/json'], example: { statusCode: 409, code: 'MINE' } } } };
    const document = { paths: { '/api/tools/{server}/{tool}': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } }, '404': errorResponse(), '409': explicit } } } } } as unknown as OpenAPIObject;
    addErrorExamples(document);
    const responses = (document.paths['/api/tools/{server}/{tool}'].get as unknown as { responses: Record<string, { content: Record<string, { example?: { code: string } }> }> }).responses;
    expect(responses['200'].content['application/json'].example).toBeUndefined();
    expect(responses['404'].content['application/json'].example).toMatchObject({ statusCode: 404, code: 'TOOL_NOT_FOUND' });
    expect(responses['409'].content['application/json'].example).toEqual({ statusCode: 409, code: 'MINE' });
  });
});
