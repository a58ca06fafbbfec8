import { Transform } from 'class-transformer';

/**
 * Keeps a free-form object field (params, tags, hyperparameters) exactly as parsed from JSON:
 * class-transformer would silently drop keys that name a function on a plain object
 * ("constructor", "toString", "valueOf", ...).
 */
export const keepAsSent = () => Transform(({ obj, key }) => (obj as Record<string, unknown>)[key], { toClassOnly: true });
