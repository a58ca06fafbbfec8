import { withCredentialsAsHeader } from './upstream-transport';

describe('withCredentialsAsHeader', () => {
  it('moves user:pass from the URL into an Authorization: Basic header', () => {
    const { url, headers } = withCredentialsAsHeader(new URL('https://alice:p%40ss@mcp.example.com/mcp?page=2'), { 'X-Other': '1' });
    expect(url.href).toBe('https://mcp.example.com/mcp?page=2');
    expect(headers).toEqual({ 'X-Other': '1', Authorization: `Basic ${Buffer.from('alice:p@ss').toString('base64')}` });
  });

  it('keeps an Authorization header that was given, and leaves URLs without credentials alone', () => {
    expect(withCredentialsAsHeader(new URL('https://u:p@h/mcp'), { authorization: 'Bearer t' })).toEqual({ url: new URL('https://h/mcp'), headers: { authorization: 'Bearer t' } });
    const plain = new URL('https://h/mcp');
    expect(withCredentialsAsHeader(plain, {})).toEqual({ url: plain, headers: {} });
  });
});
