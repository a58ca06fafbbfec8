import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { FieldProblem } from '../../platform/errors/app-error';
import { findUnstorableText } from '../../platform/http/storable-text.pipe';
import { RESOURCE_NAME_RULE, isResourceName } from '../resource-name';
import { BODY_SHAPES } from './prediction-body';
import { isPlainObject } from '../../platform/plain-object';
import { REF, REF_RULE } from './prediction.dto';

export interface PredictRoute {
  name: string;
  /** `invocations` answers MLflow's `{predictions}` only. */
  action: 'predict' | 'invocations';
  /** The query string, without `?`. */
  query: string;
}

const PATH = /^\/api\/ml\/models\/([^/]+)\/(predict|invocations)$/;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const BODY_KEYS = new Set<string>([...BODY_SHAPES, 'params']);
const QUERY_KEYS = new Set(['ref']);

/**
 * The prediction route of a request PredictIngress serves, or undefined. Only the plain form of the
 * route is taken (exact path, no Content-Encoding, UTF-8): any other form — a compressed body, another
 * charset, a trailing slash — goes to Express and the InferenceController, which apply the same rules.
 */
export function predictRoute(method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders): PredictRoute | undefined {
  if (method !== 'POST' || !url?.startsWith('/api/ml/models/')) return undefined;
  const queryAt = url.indexOf('?');
  const match = PATH.exec(queryAt < 0 ? url : url.slice(0, queryAt));
  if (!match) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  const charset = CHARSET.exec(headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') return undefined;
  let name: string;
  try {
    name = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return { name, action: match[2] as PredictRoute['action'], query: queryAt < 0 ? '' : url.slice(queryAt + 1) };
}

/**
 * What the REST route's pipes (StorableTextPipe, then ValidationPipe with ModelNameParamsDto,
 * PredictQueryDto and PredictBodyDto) would refuse, in their order: the name, then the query, then
 * the body's keys. Empty when the request may go on; the body's rows are checked by parsePredictionBody.
 */
export function predictRequestProblems(route: PredictRoute, body: unknown): { problems: FieldProblem[]; ref?: string } {
  const unstorableName = findUnstorableText(route.name, 'name');
  if (unstorableName) return { problems: [unstorableName] };
  if (!isResourceName(route.name)) return { problems: [{ field: 'name', reason: `name must be ${RESOURCE_NAME_RULE}` }] };

  const query = parseQuery(route.query);
  const unstorableQuery = findUnstorableText(query);
  if (unstorableQuery) return { problems: [unstorableQuery] };
  const queryProblems = unknownKeys(query, QUERY_KEYS);
  const ref = query.ref;
  if (ref !== undefined && (typeof ref !== 'string' || !REF.test(ref))) queryProblems.push({ field: 'ref', reason: REF_RULE });
  if (queryProblems.length) return { problems: queryProblems };

  const unstorableBody = findUnstorableText(body);
  if (unstorableBody) return { problems: [unstorableBody] };
  if (isPlainObject(body)) {
    const bodyProblems = unknownKeys(body, BODY_KEYS);
    if (bodyProblems.length) return { problems: bodyProblems };
  }
  return { problems: [], ref: ref as string | undefined };
}

function unknownKeys(value: Record<string, unknown>, allowed: Set<string>): FieldProblem[] {
  return Object.keys(value)
    .filter((key) => !allowed.has(key))
    .map((key) => ({ field: key, reason: `property ${key} should not exist` }));
}
