import { Matches, isUUID } from 'class-validator';

/** Names of datasets, experiments and models: safe in URLs, file names and CLI arguments. */
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const IsResourceName = () => Matches(RESOURCE_NAME, { message: ({ property }) => `${property} must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit` });

/** TypeORM `where` for a row named by its id or its name (a UUID-shaped name is found either way). */
export const byIdOrName = (idOrName: string) => (isUUID(idOrName) ? [{ id: idOrName }, { name: idOrName }] : { name: idOrName });
