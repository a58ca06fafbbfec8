import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { pageOf } from './list-pages';

describe('pageOf', () => {
  const items = Array.from({ length: 7 }, (_, i) => i);

  it('walks a list page by page with opaque cursors, and the last page has none', () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { page, nextCursor } = pageOf('tools/list', items, cursor, 3);
      seen.push(...page);
      cursor = nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
  });

  it('answers one page without a cursor when everything fits', () => {
    expect(pageOf('tools/list', items, undefined, 7)).toEqual({ page: items });
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['a cursor of another list', pageOf('prompts/list', items, undefined, 3).nextCursor],
    ['an offset past the end', Buffer.from(JSON.stringify({ list: 'tools/list', offset: 99 })).toString('base64url')],
    ['a negative offset', Buffer.from(JSON.stringify({ list: 'tools/list', offset: -3 })).toString('base64url')],
  ])('refuses %s with -32602', (_why, cursor) => {
    let error: unknown;
    try {
      pageOf('tools/list', items, cursor, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((error as McpError).message).toMatch(/Invalid cursor for tools\/list/);
  });
});
