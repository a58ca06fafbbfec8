import { jsonNestsDeeperThan, tooDeepJsonError } from './json-depth';

// shaped as the REST API answers a body-parser parse failure: 400 BAD_REQUEST with the parser's message
const parseError = (message: string) => Object.assign(new SyntaxError(message), { status: 400, expose: true });

/**
 * A JSON request body read outside Express, with the rules (and error shapes) of the REST API's
 * body parser: empty is `{}`, the top level must be an object or an array, nesting is bounded.
 */
export function parseJsonBody(text: string): unknown {
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw parseError(`Unexpected token '${first}': a JSON body must be an object or an array`);
  if (jsonNestsDeeperThan(text)) throw tooDeepJsonError();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw parseError((error as Error).message);
  }
}
