import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { HubTool, jsonToolResult } from '../../mcp/hub-tools/hub-tool-registry';
import { AppError, FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';

/** What a domain error tells the calling model: its code, message and details (the fields to fix). */
export const errorBody = (error: AppError) => ({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });

/** A domain error becomes a tool result with isError, so the calling model reads what to fix. */
export async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return jsonToolResult(await work());
  } catch (error) {
    if (error instanceof AppError) return jsonToolResult(errorBody(error), true);
    throw error;
  }
}

/** A tool whose every call is held to its inputSchema first: an unknown or mistyped argument is named, not ignored. */
export function checkedTool(tool: HubTool, schemas: JsonSchemaValidator, refuse: (problems: FieldProblem[]) => Promise<CallToolResult> = (problems) => answer(() => Promise.reject(new ValidationFailedError(problems)))): HubTool {
  return {
    ...tool,
    call: (args, context) => {
      const problems = schemas.validate(tool.definition.inputSchema, args ?? {});
      return problems.length ? refuse(problems) : tool.call(args, context);
    },
  };
}
