import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, Max, Min } from 'class-validator';

export class DatabaseSleepDto {
  @ApiProperty({ example: 2.5, minimum: 0, maximum: 60, description: 'How long the PostgreSQL query sleeps, in seconds' })
  @IsNumber()
  @Min(0)
  @Max(60)
  seconds!: number;
}

export class DatabaseSleepResultDto {
  @ApiProperty({ example: 2.5 })
  sleptSeconds!: number;

  @ApiProperty({ example: 41877, description: 'PostgreSQL backend that ran the query' })
  backendPid!: number;
}
