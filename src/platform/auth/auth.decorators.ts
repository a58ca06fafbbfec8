import { SetMetadata } from '@nestjs/common';
import { Scope } from './api-key.entity';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPE = 'auth:scope';

/** No API key needed (health probes). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The scope a route needs; without it GET needs `read` and anything else `admin`. `admin` satisfies every scope. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
