import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from '../errors/app-error';

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What in the text PostgreSQL cannot store, or null: NUL breaks text and jsonb columns, an unpaired surrogate breaks jsonb (a 500 either way). */
function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'an unpaired UTF-16 surrogate';
  return null;
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !ArrayBuffer.isView(value) && !(value instanceof Date);

/**
 * The first string (or object key) in `value` that PostgreSQL cannot store, as a field problem with
 * its dotted path (`params.k`, `tags.t.0`). Walks iteratively, so nesting depth cannot overflow the stack.
 */
export function findUnstorableText(value: unknown, root = ''): FieldProblem | null {
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const pending: { value: unknown; path: string }[] = [{ value, path: root }];
  while (pending.length) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      const problem = problemOf(current);
      if (problem) return { field: path || '(value)', reason: `contains ${problem}, which cannot be stored` };
    } else if (isContainer(current)) {
      const entries = Object.entries(current);
      const badKey = entries.find(([key]) => problemOf(key))?.[0];
      if (badKey !== undefined) return { field: path || '(body)', reason: `key ${JSON.stringify(badKey)} contains ${problemOf(badKey)}, which cannot be stored` };
      // reversed, so fields are visited (and the first bad one reported) in document order
      for (let i = entries.length - 1; i >= 0; i--) pending.push({ value: entries[i][1], path: join(path, entries[i][0]) });
    }
  }
  return null;
}

/**
 * Refuses, with a 400 naming the field, any body, query, path parameter or uploaded file's metadata
 * holding text PostgreSQL cannot store, before a service sends it to the database.
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const root = typeof metadata.data === 'string' ? metadata.data : metadata.type === 'custom' ? 'file' : '';
    const problem = findUnstorableText(value, root);
    if (problem) throw new ValidationFailedError([problem]);
    return value;
  }
}
