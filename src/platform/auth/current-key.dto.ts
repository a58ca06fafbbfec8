import { ApiProperty } from '@nestjs/swagger';
import { Scope, SCOPES } from './api-key.entity';

export class CallingKeyDto {
  @ApiProperty({ example: 'dashboard' }) name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true, example: ['read'] }) scopes!: Scope[];
  @ApiProperty({ type: String, nullable: true, example: null }) profile!: string | null;
}

export class ScopeAllowanceDto {
  @ApiProperty({ example: true }) read!: boolean;
  @ApiProperty({ example: false }) admin!: boolean;
  @ApiProperty({ example: false }) mcp!: boolean;
}

export class CurrentKeyDto {
  @ApiProperty({ enum: ['none', 'api-key'], example: 'api-key' }) authMode!: 'none' | 'api-key';
  @ApiProperty({ type: CallingKeyDto, nullable: true, description: 'null with AUTH_MODE=none' }) key!: CallingKeyDto | null;
  @ApiProperty({ type: ScopeAllowanceDto, description: 'What the caller may do (admin implies the others; everything with AUTH_MODE=none)' }) allows!: ScopeAllowanceDto;
}
