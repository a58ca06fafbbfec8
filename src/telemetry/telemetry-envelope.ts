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
