import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { v7 as uuidv7 } from 'uuid';
import { FieldProblem } from '../platform/errors/app-error';
import { toFieldProblems } from '../platform/errors/validation';
import { MAX_EVENT_BYTES, TelemetryEventDto } from './telemetry-event.dto';

/** A validated event with every default filled in, as it travels through the stream. */
export interface TelemetryEnvelope {
  id: string;
  source: string;
  type: string;
  time: string;
  specversion: '1.0';
  severity: 'debug' | 'info' | 'warn' | 'error';
  traceId?: string;
  spanId?: string;
  subject?: string;
  attributes?: Record<string, string | number | boolean>;
  data?: unknown;
}

export type EnvelopeResult = { envelope: TelemetryEnvelope } | { problems: FieldProblem[] };

/**
 * Validates one raw event; fills specversion and severity, and id and time when absent: from
 * `defaults` when given (so the same stream entry always becomes the same event), else a new UUID v7
 * and now.
 */
export function toEnvelope(raw: unknown, defaults?: { id: string; time: string }): EnvelopeResult {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problems: [{ field: '(event)', reason: 'must be an object' }] };
  const size = Buffer.byteLength(JSON.stringify(raw));
  if (size > MAX_EVENT_BYTES) return { problems: [{ field: '(event)', reason: `is ${size} bytes; at most ${MAX_EVENT_BYTES} are allowed` }] };
  const dto = plainToInstance(TelemetryEventDto, raw);
  const problems = toFieldProblems(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
  const attributes = dto.attributes ?? {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) problems.push({ field: `attributes.${key}`, reason: 'must be a string, number or boolean' });
  }
  if (problems.length) return { problems };
  return {
    envelope: {
      id: dto.id ?? defaults?.id ?? uuidv7(),
      source: dto.source,
      type: dto.type,
      time: dto.time ? new Date(dto.time).toISOString() : (defaults?.time ?? new Date().toISOString()),
      specversion: '1.0',
      severity: dto.severity ?? 'info',
      ...(dto.traceId ? { traceId: dto.traceId } : {}),
      ...(dto.spanId ? { spanId: dto.spanId } : {}),
      ...(dto.subject ? { subject: dto.subject } : {}),
      ...(dto.attributes ? { attributes: dto.attributes } : {}),
      ...(dto.data !== undefined ? { data: dto.data } : {}),
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
/** Whether `type` is a valid event type (dotted lower-case, at most 100 characters). */
export function isEventType(type: string): boolean {
  return type.length <= 100 && TYPE.test(type);
}

const SEVERITY = new Set(['debug', 'info', 'warn', 'error']);
const KNOWN = new Set(['id', 'source', 'type', 'time', 'specversion', 'severity', 'traceId', 'spanId', 'subject', 'attributes', 'data']);

/**
 * The consumer's fast path: accepts an event that is plainly valid (as the hub's own producer writes
 * them) without the full class-validator pass; anything else goes through toEnvelope, which names
 * what is wrong.
 */
export function toEnvelopeFast(raw: unknown, defaults: { id: string; time: string }): EnvelopeResult {
  const e = raw as Record<string, unknown>;
  const plain =
    !!e &&
    typeof e === 'object' &&
    !Array.isArray(e) &&
    Object.keys(e).every((k) => KNOWN.has(k)) &&
    typeof e.source === 'string' && e.source.length > 0 && e.source.length <= 200 &&
    typeof e.type === 'string' && isEventType(e.type) &&
    (e.id === undefined || (typeof e.id === 'string' && UUID.test(e.id))) &&
    (e.time === undefined || (typeof e.time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(e.time) && !Number.isNaN(Date.parse(e.time)))) &&
    (e.specversion === undefined || e.specversion === '1.0') &&
    (e.severity === undefined || (typeof e.severity === 'string' && SEVERITY.has(e.severity))) &&
    e.traceId === undefined && e.spanId === undefined && e.attributes === undefined &&
    (e.subject === undefined || (typeof e.subject === 'string' && e.subject.length <= 500));
  if (!plain) return toEnvelope(raw, defaults);
  return {
    envelope: {
      id: (e.id as string | undefined) ?? defaults.id,
      source: e.source as string,
      type: e.type as string,
      time: e.time ? new Date(e.time as string).toISOString() : defaults.time,
      specversion: '1.0',
      severity: (e.severity as TelemetryEnvelope['severity'] | undefined) ?? 'info',
      ...(e.subject ? { subject: e.subject as string } : {}),
      ...(e.data !== undefined ? { data: e.data } : {}),
    },
  };
}
