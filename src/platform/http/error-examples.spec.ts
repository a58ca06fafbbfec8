import type { OpenAPIObject } from '@nestjs/swagger';
import { addErrorExamples, errorExample } from './error-examples';

const errorResponse = () => ({ description: 'x', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } });

describe('error examples', () => {
  it('gives each status its own statusCode and a route-specific code for 404 and 409', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 415, 429, 500, 502, 503, 504, 418]) expect(errorExample(status, '/api/anything').statusCode).toBe(status);
    expect(errorExample(404, '/api/servers/{name}').code).toBe('SERVER_NOT_FOUND');
    expect(errorExample(404, '/api/ml/models/{name}/versions').code).toBe('MODEL_NOT_FOUND');
    expect(errorExample(409, '/api/ml/datasets').code).toBe('DATASET_NAME_TAKEN');
    expect(errorExample(409, '/api/ml/models').code).toBe('MODEL_EXISTS');
    expect(errorExample(409, '/api/ml/models/{name}/versions/{version}/stage', 'post').code).toBe('INVALID_STAGE_TRANSITION');
    expect(errorExample(409, '/api/servers/{name}', 'delete').code).toBe('SERVER_DEFINED_IN_FILE');
    expect(errorExample(409, '/api/servers', 'post').code).toBe('SERVER_EXISTS');
    expect(errorExample(503, '/api/ml/training-jobs', 'post').code).toBe('ADAPTER_UNAVAILABLE');
    expect(errorExample(409, '/api/keys').code).toBe('CONFLICT');
    expect(errorExample(404, '/api/ml/models/{name}/predict', 'post').code).toBe('NO_PRODUCTION_VERSION');
    expect(errorExample(409, '/api/ml/models/{name}/invocations', 'post').code).toBe('MODEL_NOT_SERVABLE');
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

  it('gives operations that share one response object (class-level decorators) each its own example', () => {
    const shared = errorResponse();
    const document = { paths: { '/api/ml/experiments': { get: { responses: { '404': shared } } }, '/api/ml/runs/{id}': { get: { responses: { '404': shared } } } } } as unknown as OpenAPIObject;
    addErrorExamples(document);
    const codeAt = (path: string) => (document.paths[path].get as unknown as { responses: Record<string, { content: Record<string, { example: { code: string } }> }> }).responses['404'].content['application/json'].example.code;
    expect([codeAt('/api/ml/experiments'), codeAt('/api/ml/runs/{id}')]).toEqual(['EXPERIMENT_NOT_FOUND', 'RUN_NOT_FOUND']);
  });
});
