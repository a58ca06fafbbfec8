import { DependencyUnavailableError } from '../errors/app-error';

const TIMEOUT_MS = 15_000;

/** An OpenAI-compatible embeddings API (`POST <url>/embeddings` with `{model, input}`): OpenAI, Ollama, vLLM, LocalAI, … */
export class EmbeddingClient {
  constructor(private readonly options: { url: string; model: string; apiKey?: string }) {}

  async embed(texts: string[]): Promise<number[][]> {
    if (!texts.length) return [];
    let response: Response;
    try {
      response = await fetch(`${this.options.url}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify({ model: this.options.model, input: texts }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new DependencyUnavailableError('embeddings', `The embeddings API at ${this.options.url} did not answer: ${(error as Error).message}`, 'check EMBEDDING_URL');
    }
    if (!response.ok) {
      throw new DependencyUnavailableError('embeddings', `The embeddings API answered ${response.status}: ${(await response.text()).slice(0, 300)}`, 'check EMBEDDING_URL, EMBEDDING_MODEL and EMBEDDING_API_KEY');
    }
    const body = (await response.json()) as { data?: { embedding: number[]; index?: number }[] };
    const data = body.data ?? [];
    if (data.length !== texts.length || data.some((d) => !Array.isArray(d.embedding))) {
      throw new DependencyUnavailableError('embeddings', `The embeddings API returned ${data.length} embeddings for ${texts.length} inputs`, 'check that EMBEDDING_URL is an OpenAI-compatible /v1 base URL');
    }
    return [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((d) => d.embedding);
  }
}
