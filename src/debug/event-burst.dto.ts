import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class EventBurstDto {
  @ApiProperty({ example: 10000, minimum: 1, maximum: 200000 })
  @IsInt()
  @Min(1)
  @Max(200000)
  count!: number;

  @ApiProperty({ example: 'debug.burst' })
  @Matches(/^debug\.[a-z0-9_.-]+$/, { message: 'type must start with debug.' })
  type!: string;
}

export class EventBurstResultDto {
  @ApiProperty({ example: 10000 })
  published!: number;
}
