import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const KEY_STORAGE = 'mcp-hub-api-key';

/** The API key lives for the browser session only (sessionStorage): closing the tab forgets it. */
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string | null) => (key ? sessionStorage.setItem(KEY_STORAGE, key) : sessionStorage.removeItem(KEY_STORAGE)),
};

/** Fires `unauthorized` when the hub answers 401: the key was revoked, or forgotten. */
export const authEvents = new EventTarget();

const withKey: Middleware = {
  onRequest({ request }) {
    const key = apiKey.get();
    if (key) request.headers.set('X-API-Key', key);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) authEvents.dispatchEvent(new Event('unauthorized'));
    return response;
  },
};

/** The hub's REST API, typed from its OpenAPI document (schema.d.ts is generated: npm run web:api). */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(withKey);

/** An error answer of the API, with the message and field problems it sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details: { field: string; reason: string }[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  message?: string;
  code?: string;
  details?: { field: string; reason: string }[];
}

/** The data of an openapi-fetch call, or an ApiError carrying the API's own message. */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    throw new ApiError(0, `The hub did not answer: ${(error as Error).message}`);
  }
  if (result.response.ok) return result.data as T;
  const body = (typeof result.error === 'object' && result.error !== null ? result.error : { message: String(result.error ?? '') }) as ErrorBody;
  throw new ApiError(result.response.status, body.message || `${result.response.status} ${result.response.statusText}`, body.code, body.details ?? []);
}
