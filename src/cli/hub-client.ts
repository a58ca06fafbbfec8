/** The REST client of the CLI: base URL from HUB_URL, API key from MCP_HUB_API_KEY, errors that say what to do. */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class HubClient {
  readonly baseUrl: string;
  private readonly apiKey?: string;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.baseUrl = (env.HUB_URL ?? 'http://127.0.0.1:3456').replace(/\/+$/, '');
    this.apiKey = env.MCP_HUB_API_KEY ?? env.HUB_API_KEY;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** multipart/form-data (fetch sets the boundary). */
  upload<T>(path: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, form);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await (await this.send(method, path, body, 'application/json')).text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A GET whose body is read as it arrives (downloads); errors are reported as request() reports them. */
  download(path: string): Promise<Response> {
    return this.send('GET', path, undefined, '*/*');
  }

  private async send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
    let response: Response;
    const json = body !== undefined && !(body instanceof FormData);
    try {
      response = await fetch(`${this.baseUrl}/api${path}`, {
        method,
        headers: { accept, ...(json ? { 'content-type': 'application/json' } : {}), ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as FormData),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
      throw new HubRequestError(`cannot reach the hub at ${this.baseUrl} (${reason}); start it with "npm start" or set HUB_URL`, 0);
    }
    if (response.ok) return response;
    const text = await response.text();
    const error = (text ? (JSON.parse(text) as unknown) : {}) as { message?: string; code?: string; details?: unknown };
    const hint = response.status === 401 ? ' (set MCP_HUB_API_KEY to an API key)' : response.status === 403 ? ' (the API key lacks the scope this needs)' : '';
    throw new HubRequestError(`${response.status} ${error.code ?? response.statusText}: ${error.message ?? text}${hint}`, response.status, error.code);
  }
}
