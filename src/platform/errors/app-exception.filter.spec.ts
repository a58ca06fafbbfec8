import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictError, DependencyUnavailableError, NotFoundError, ValidationFailedError } from './app-error';
import { toErrorResponse } from './app-exception.filter';
import { toFieldProblems } from './validation';

describe('toErrorResponse', () => {
  it('maps domain errors to their status and stable code', () => {
    expect(toErrorResponse(new NotFoundError('model', 'iris'), 'r1')).toEqual({
      statusCode: 404,
      code: 'MODEL_NOT_FOUND',
      message: 'model "iris" was not found',
      details: { kind: 'model', id: 'iris' },
      requestId: 'r1',
    });
    expect(toErrorResponse(new ConflictError('ALIAS_TAKEN', 'alias taken'), 'r2')).toMatchObject({ statusCode: 409, code: 'ALIAS_TAKEN' });
    const unavailable = toErrorResponse(new DependencyUnavailableError('python3', 'python3 is missing', 'apt-get install python3'), 'r3');
    expect(unavailable).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', details: { dependency: 'python3' } });
  });

  it('keeps field problems of validation errors', () => {
    const error = new ValidationFailedError([{ field: 'seconds', reason: 'must be a number' }]);
    expect(toErrorResponse(error, 'r')).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'seconds: must be a number' });
  });

  it('maps framework HTTP exceptions', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x'), 'r')).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'Cannot GET /x' });
    expect(toErrorResponse(new BadRequestException(), 'r')).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
  });

  it('hides unexpected errors behind a 500 that points at the log', () => {
    const body = toErrorResponse(new TypeError('secret internals'), 'r9');
    expect(body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR', requestId: 'r9' });
    expect(body.message).not.toContain('secret');
  });
});

describe('toFieldProblems', () => {
  it('flattens nested errors into dotted paths', () => {
    const problems = toFieldProblems([
      { property: 'retry', children: [{ property: 'maxAttempts', constraints: { min: 'maxAttempts must not be less than 1' }, children: [] }] },
      { property: 'name', constraints: { isString: 'name must be a string' }, children: [] },
    ]);
    expect(problems).toEqual([
      { field: 'retry.maxAttempts', reason: 'maxAttempts must not be less than 1' },
      { field: 'name', reason: 'name must be a string' },
    ]);
  });
});
