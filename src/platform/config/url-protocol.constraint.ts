import { ValidatorConstraint, ValidatorConstraintInterface, ValidationArguments } from 'class-validator';

/** A parseable URL whose protocol is one of the constraint's arguments, e.g. ['redis:', 'rediss:']. */
@ValidatorConstraint({ name: 'urlProtocol' })
export class UrlProtocolConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (typeof value !== 'string') return false;
    try {
      const url = new URL(value);
      return (args.constraints as string[]).includes(url.protocol) && url.hostname !== '';
    } catch {
      return false;
    }
  }

  defaultMessage(args: ValidationArguments): string {
    const protocols = (args.constraints as string[]).map((p) => `${p}//`).join(' or ');
    return `is not a URL starting with ${protocols}`;
  }
}
