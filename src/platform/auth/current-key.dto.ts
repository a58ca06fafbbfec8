import { ApiProperty } from '@nestjs/swagger';

export class CallingKeyDto {
  @ApiProperty({ example: 'dashboard' }) name!: string;
  @ApiProperty({ enum: ['read', 'admin', 'mcp'], isArray: true, example: ['read'] }) scopes!: ('read' | 'admin' | 'mcp')[];
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
