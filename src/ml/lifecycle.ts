import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { FindOperator, IsNull, Not } from 'typeorm';

/** MLflow's view types: lists show active rows unless asked for the deleted ones or all. */
export const LIFECYCLES = ['active', 'deleted', 'all'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

/** TypeORM condition on deletedAt for a lifecycle; undefined for all. */
export function deletedAtFor(lifecycle: Lifecycle = 'active'): FindOperator<Date> | undefined {
  if (lifecycle === 'all') return undefined;
  return lifecycle === 'deleted' ? Not(IsNull()) : IsNull();
}

/** SQL condition on `<alias>.deleted_at` for a lifecycle (no parameters: the three texts are fixed). */
export function deletedAtSql(alias: string, lifecycle: Lifecycle = 'active'): string {
  if (lifecycle === 'all') return 'TRUE';
  return lifecycle === 'deleted' ? `${alias}.deleted_at IS NOT NULL` : `${alias}.deleted_at IS NULL`;
}

export class LifecycleQueryDto {
  @ApiPropertyOptional({ enum: LIFECYCLES, example: 'deleted', description: 'Which rows to list: active (default), deleted (soft-deleted, restorable) or all' })
  @IsOptional()
  @IsIn(LIFECYCLES)
  lifecycle?: Lifecycle;
}
