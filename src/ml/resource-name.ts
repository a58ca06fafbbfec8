import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches, isUUID } from 'class-validator';

/** Names of datasets, experiments and models: safe in URLs, file names, headers and CLI arguments. */
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const RESOURCE_NAME_RULE = '1-128 letters, digits, ".", "_" or "-", starting with a letter or digit';

export const IsResourceName = () => Matches(RESOURCE_NAME, { message: ({ property }) => `${property} must be ${RESOURCE_NAME_RULE}` });

export const isResourceName = (value: string) => RESOURCE_NAME.test(value);

/** TypeORM `where` for a row named by its id or its name (a UUID-shaped name is found either way). */
export const byIdOrName = (idOrName: string) => (isUUID(idOrName) ? [{ id: idOrName }, { name: idOrName }] : { name: idOrName });

/** A name derived from a file name (datasets registered without one): the resource-name rule, or null when nothing is left. */
export function resourceNameFrom(text: string): string | null {
  const name = text
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return name || null;
}

/** Path parameter of the routes that take a dataset or an experiment by id or by name. */
export class IdOrNameParamsDto {
  @ApiProperty({ example: 'iris', description: 'Id (UUID) or name' })
  @IsResourceName()
  idOrName!: string;
}

/** Path parameter of the routes that take a run or a training job by id. */
export class IdParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
