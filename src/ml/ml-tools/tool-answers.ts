import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { HubTool, jsonToolResult } from '../../mcp/hub-tools/hub-tool-registry';
import { AppError, FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { toFieldProblems } from '../../platform/errors/validation';
import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';

/** A tool's inputSchema: these properties and no others. */
export const object = (properties: Record<string, unknown>, required: string[] = []): Tool['inputSchema'] => ({ type: 'object', properties, required, additionalProperties: false }) as Tool['inputSchema'];

/** Arguments checked by the class-validator DTO the REST route uses, so both refuse the same things. */
export async function dtoOf<T extends object>(type: new () => T, args: Record<string, unknown>): Promise<T> {
  const dto = plainToInstance(type, args);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new ValidationFailedError(toFieldProblems(errors));
  return dto;
}

/** What a domain error tells the calling model: its code, message and details (the fields to fix). */
export const errorBody = (error: AppError) => ({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });

type RenderError = (error: AppError) => CallToolResult;

const errorResult: RenderError = (error) => jsonToolResult(errorBody(error), true);

/** A domain error becomes a tool result with isError (as `render` writes it), so the calling model reads what to fix. */
export async function answer(work: () => Promise<unknown>, render: RenderError = errorResult): Promise<CallToolResult> {
  try {
    return jsonToolResult(await work());
  } catch (error) {
    if (error instanceof AppError) return render(error);
    throw error;
  }
}

/** One validator for every ml tool: it compiles each schema once and keeps it. */
const schemas = new JsonSchemaValidator();

/**
 * A tool whose every call is held to its inputSchema first: an unknown or mistyped argument is named,
 * not ignored. `fields` says the schema's problems in the tool's own terms; `render` writes the refusal.
 */
export function checkedTool(tool: HubTool, { fields = (problems) => problems, render = errorResult }: { fields?: (problems: FieldProblem[]) => FieldProblem[]; render?: RenderError } = {}): HubTool {
  return {
    ...tool,
    call: (args, context) => {
      const problems = schemas.validate(tool.definition.inputSchema, args ?? {});
      return problems.length ? Promise.resolve(render(new ValidationFailedError(fields(problems)))) : tool.call(args, context);
    },
  };
}
