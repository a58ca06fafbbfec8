/** An error's message plus its cause's (fetch and the pg driver hide the useful part there). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (error as { code?: string }).code;
  const message = error.message || code || error.name;
  return cause && !message.includes(cause.message) ? `${message}: ${describeError(cause)}` : message;
}
