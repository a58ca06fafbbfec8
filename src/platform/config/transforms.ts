import { Transform } from 'class-transformer';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Turns "true"/"false"/"1"/"0"/"yes"/"no"/"on"/"off" into a boolean; anything else stays a string so validation rejects it. */
export const ToBoolean = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return value;
  });

/** Turns a decimal integer string into a number; anything else stays a string so validation rejects it. */
export const ToInteger = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value));

/** Turns a decimal number string ("0.01", "1e-3") into a number; anything else stays a string so validation rejects it. */
export const ToDecimal = () =>
  Transform(({ value }) => (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value) : value));
