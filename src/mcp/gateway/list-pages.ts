import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

interface Cursor {
  list: string;
  offset: number;
}

const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decode(text: string): Cursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    return typeof value?.list === 'string' && Number.isSafeInteger(value.offset) && value.offset! > 0 ? (value as Cursor) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of a list the hub answers itself (tools/list, prompts/list, resources/list, ...), with an
 * opaque cursor to the next page. A cursor that this list did not hand out is -32602.
 */
export function pageOf<T>(list: string, items: T[], cursor: string | undefined, pageSize: number): { page: T[]; nextCursor?: string } {
  let offset = 0;
  if (cursor !== undefined) {
    const decoded = decode(cursor);
    if (!decoded || decoded.list !== list || decoded.offset > items.length) throw new McpError(ErrorCode.InvalidParams, `Invalid cursor for ${list}: use the nextCursor of the previous page, or none for the first page`);
    offset = decoded.offset;
  }
  const end = offset + pageSize;
  return { page: items.slice(offset, end), ...(end < items.length ? { nextCursor: encode({ list, offset: end }) } : {}) };
}
