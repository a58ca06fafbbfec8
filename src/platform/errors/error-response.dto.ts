import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error response. Each documented error response gets its own example (see http/error-examples.ts). */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable error code' })
  code!: string;

  @ApiProperty({ example: 'name: name must match /^[a-z0-9][a-z0-9_-]*$/' })
  message!: string;

  @ApiPropertyOptional({
    example: [{ field: 'name', reason: 'name must match /^[a-z0-9][a-z0-9_-]*$/' }],
    description: 'Structured detail, e.g. one entry per invalid field',
  })
  details?: unknown;

  @ApiProperty({ example: '5b2c3f0e-8a4d-4d7e-9a55-0b8f2f3f7d11', description: 'Echo of X-Request-Id (generated when absent)' })
  requestId!: string;
}
