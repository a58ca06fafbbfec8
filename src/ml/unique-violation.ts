/** True for PostgreSQL's unique_violation (23505), as the pg driver or TypeORM's QueryFailedError reports it. */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } } | null)?.driverError;
  return (error as { code?: string } | null)?.code === '23505' || driverError?.code === '23505';
}
