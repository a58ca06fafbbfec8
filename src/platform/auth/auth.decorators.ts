import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Scope } from './api-key.entity';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPE = 'auth:scope';

/** Marks an operation in the OpenAPI document as needing no key; swagger.ts turns it into `security: []`. */
export const PUBLIC_OPERATION_EXTENSION = 'x-public';

/** No API key needed (health probes). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_OPERATION_EXTENSION, true));

/** The scope a route needs; without it GET needs `read` and anything else `admin`. `admin` satisfies every scope. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
