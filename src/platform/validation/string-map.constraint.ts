import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/** Bounds of a `{ name: value }` map such as env or headers. */
export interface StringMapRules {
  maxEntries: number;
  maxKeyLength: number;
  maxValueLength: number;
  /** What a key may look like, and the words for it in the message. */
  key: { pattern: RegExp; rule: string };
  /** Characters a value must not hold (NUL breaks spawn, CR/LF split headers), and the words for it. */
  forbidden: { pattern: RegExp; rule: string };
}

/** The first problem of `value` under `rules`, naming the entry; never echoes a long key or any value. */
export function stringMapProblem(value: unknown, rules: StringMapRules): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be an object of strings';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > rules.maxEntries) return `has ${entries.length} entries; at most ${rules.maxEntries} are allowed`;
  for (const [key, item] of entries) {
    const shown = key.length > 40 ? `${JSON.stringify(key.slice(0, 40))}… (${key.length} characters)` : JSON.stringify(key);
    if (key.length > rules.maxKeyLength) return `key ${shown} is longer than ${rules.maxKeyLength} characters`;
    if (!rules.key.pattern.test(key)) return `key ${shown} must be ${rules.key.rule}`;
    if (typeof item !== 'string') return `${shown} must be a string`;
    if (item.length > rules.maxValueLength) return `${shown} is ${item.length} characters long; at most ${rules.maxValueLength} are allowed`;
    if (rules.forbidden.pattern.test(item)) return `${shown} must not contain ${rules.forbidden.rule}`;
  }
  return undefined;
}

/** class-validator constraint over stringMapProblem: `@Validate(StringMapConstraint, [rules])`. */
@ValidatorConstraint({ name: 'stringMap' })
export class StringMapConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return stringMapProblem(value, args.constraints[0] as StringMapRules) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} ${stringMapProblem(args.value, args.constraints[0] as StringMapRules)}`;
  }
}

/** Tags of runs, experiments and models: short names, text values. */
export const TAG_RULES: StringMapRules = {
  maxEntries: 100,
  maxKeyLength: 250,
  maxValueLength: 5000,
  // eslint-disable-next-line no-control-regex
  key: { pattern: /^[^\u0000-\u001f]+$/, rule: 'non-empty text without control characters' },
  // eslint-disable-next-line no-control-regex
  forbidden: { pattern: /\u0000/, rule: 'a NUL character' },
};
