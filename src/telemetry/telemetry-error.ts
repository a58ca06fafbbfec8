/**
 * The one definition of an error used by every telemetry figure (stats, rollups): an event of
 * severity warn or error, or one whose outcome is anything but `ok`. `invalid_arguments` counts: the
 * caller got an error back, whoever was at fault. Events without an outcome count by severity alone.
 */
export const IS_ERROR_SQL = `(severity IN ('warn', 'error') OR coalesce(data->>'outcome', 'ok') <> 'ok')`;
