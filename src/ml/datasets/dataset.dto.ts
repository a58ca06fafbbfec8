import { IsResourceName } from '../resource-name';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class RegisterDatasetDto {
  @ApiPropertyOptional({ example: 'iris', description: 'Unique name; defaults to the file name without extension' })
  @IsOptional()
  @IsString()
  @IsResourceName()
  name?: string;

  @ApiPropertyOptional({ example: 'local://data/sample.csv', description: 'local://<path inside DATA_DIR> or s3://<bucket>/<key>; omit when uploading a file' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  uri?: string;

  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], description: 'File format; inferred from the extension (.csv, .jsonl, .ndjson) when absent' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';
}

export class ColumnProfileDto {
  @ApiProperty({ example: 'sepal_length' }) name!: string;
  @ApiProperty({ enum: ['integer', 'number', 'boolean', 'string'] }) type!: string;
  @ApiProperty({ example: 0 }) missing!: number;
  @ApiProperty({ example: 35 }) distinct!: number;
  @ApiPropertyOptional() distinctCapped?: boolean;
  @ApiPropertyOptional({ example: 4.3 }) min?: number;
  @ApiPropertyOptional({ example: 7.9 }) max?: number;
  @ApiPropertyOptional({ example: [{ value: 'setosa', count: 50 }] }) top?: { value: string; count: number }[];
}

export class DatasetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'iris' }) name!: string;
  @ApiProperty({ example: 'local://data/sample.csv' }) uri!: string;
  @ApiProperty({ enum: ['csv', 'jsonl'] }) format!: string;
  @ApiProperty({ example: 4551 }) sizeBytes!: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256!: string;
  @ApiProperty({ example: 150 }) rowCount!: number;
  @ApiProperty({ type: [ColumnProfileDto] }) columns!: ColumnProfileDto[];
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ example: { kind: 'historical-features', entityRows: 'inline', featureViews: [{ name: 'customer_stats', version: 2, features: ['amount_log'] }] }, description: 'What the hub built it from' })
  lineage?: Record<string, unknown> | null;
}
