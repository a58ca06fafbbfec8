import 'reflect-metadata';

export interface EnvVarSpec {
  /** Value used when the variable is unset or empty; undefined means "off when unset". */
  default?: string;
  /** What an unset variable without a default means, when that is more than "off" (README table). */
  unset?: string;
  /** Set but empty is an error (unset has a meaning of its own, which an empty value must not pick by accident). */
  emptyRefused?: boolean;
  /** What a valid value looks like, shown when the value is rejected. */
  expected: string;
  /** One line for .env.example and the README. */
  description: string;
}

const ENV_SPECS = Symbol('env-var-specs');

export function EnvVar(spec: EnvVarSpec): PropertyDecorator {
  return (target, propertyKey) => {
    const specs: Map<string, EnvVarSpec> = Reflect.getMetadata(ENV_SPECS, target) ?? new Map();
    specs.set(String(propertyKey), spec);
    Reflect.defineMetadata(ENV_SPECS, specs, target);
  };
}

export function envVarSpecs(schema: abstract new () => object): Map<string, EnvVarSpec> {
  return Reflect.getMetadata(ENV_SPECS, schema.prototype) ?? new Map();
}
