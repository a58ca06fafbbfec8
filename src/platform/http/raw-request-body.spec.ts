import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readRequestText } from './raw-request-body';

const request = (chunks: Buffer[]) => Object.assign(Readable.from(chunks), { headers: {} }) as unknown as IncomingMessage;

describe('readRequestText', () => {
  it('decodes UTF-8 split across chunks and drops a leading byte order mark', async () => {
    const text = '\uFEFF{"name":"Zoë ✓"}';
    const bytes = Buffer.from(text, 'utf8');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of ë
    expect(await readRequestText(request([bytes.subarray(0, split), bytes.subarray(split)]), 1024)).toBe('{"name":"Zoë ✓"}');
  });

  it('refuses a body over the limit with 413', async () => {
    await expect(readRequestText(request([Buffer.alloc(2048, 32)]), 1024)).rejects.toMatchObject({ status: 413, type: 'entity.too.large' });
  });
});
