import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { FieldProblem } from '../errors/app-error';

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

function configure<T extends AnyAjv>(ajv: T): T {
  addFormats(ajv as Ajv);
  return ajv;
}

/**
 * Validates tool arguments against the tool's inputSchema. Picks the JSON Schema draft from `$schema`
 * (2020-12, 2019-09, else draft-07) and caches compiled validators per schema object (catalog rows
 * keep theirs until the next sync replaces them).
 */
export class JsonSchemaValidator {
  private readonly engines = {
    draft7: configure(new Ajv({ strict: false, allErrors: true })),
    draft2019: configure(new Ajv2019({ strict: false, allErrors: true })),
    draft2020: configure(new Ajv2020({ strict: false, allErrors: true })),
  };
  private readonly cache = new WeakMap<object, ValidateFunction>();

  validate(schema: Record<string, unknown>, value: unknown): FieldProblem[] {
    const validate = this.compile(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(toFieldProblem);
  }

  private compile(schema: Record<string, unknown>): ValidateFunction {
    let validate = this.cache.get(schema);
    if (!validate) {
      const dialect = String(schema.$schema ?? '');
      const engine = dialect.includes('2020-12') ? this.engines.draft2020 : dialect.includes('2019-09') ? this.engines.draft2019 : this.engines.draft7;
      const { $schema: _ignored, ...rest } = schema;
      validate = engine.compile(rest);
      this.cache.set(schema, validate);
    }
    return validate;
  }
}

function toFieldProblem(error: ErrorObject): FieldProblem {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const extra =
    error.keyword === 'required'
      ? (error.params as { missingProperty: string }).missingProperty
      : error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : '';
  const field = [path, extra].filter(Boolean).join('.') || '(arguments)';
  const allowed = error.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { field, reason: `${error.message ?? 'is invalid'}${allowed}` };
}
