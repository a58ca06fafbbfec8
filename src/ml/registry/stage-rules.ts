import { Stage } from './registry.entities';

const ALLOWED: Record<Stage, Stage[]> = {
  None: ['Staging', 'Production', 'Archived'],
  Staging: ['None', 'Production', 'Archived'],
  Production: ['Staging', 'Archived'],
  Archived: ['Staging', 'Production'],
};

/** Why a version may not move from `from` to `to`, or null when it may. Archived → Production is a rollback. */
export function stageTransitionProblem(from: Stage, to: Stage): string | null {
  if (from === to) return `the version is already in ${to}`;
  if (!ALLOWED[from].includes(to)) return `${from} → ${to} is not a valid transition; from ${from} a version can go to ${ALLOWED[from].join(', ')}`;
  return null;
}

export const RESERVED_ALIASES = new Set(['latest', 'none', 'staging', 'production', 'archived']);

/** Why an alias name cannot be used, or null. Stage names and "latest" already mean something in version references. */
export function aliasProblem(alias: string): string | null {
  if (/^\d+$/.test(alias)) return `"${alias}" would read as a version number`;
  if (RESERVED_ALIASES.has(alias.toLowerCase())) return `"${alias}" is reserved: it names ${alias.toLowerCase() === 'latest' ? 'the newest version' : 'a stage'} in version references`;
  return null;
}
