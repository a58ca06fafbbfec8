import { Body, Controller, Get, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { DatasetDto, RegisterDatasetDto } from './dataset.dto';
import { DatasetsService } from './datasets.service';
import { IdOrNameParamsDto } from '../resource-name';

@ApiExtraModels(RegisterDatasetDto)
@ApiTags('ml')
@Controller('ml/datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Post()
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Register a dataset by URI (JSON body) or upload a CSV / JSON Lines file (multipart, field "file")' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: '#/components/schemas/RegisterDatasetDto' },
        { type: 'object', properties: { file: { type: 'string', format: 'binary' }, name: { type: 'string', example: 'iris' }, format: { enum: ['csv', 'jsonl'] } }, required: ['file'] },
      ],
    },
    examples: { uri: { value: { name: 'iris', uri: 'local://data/sample.csv' } } },
  })
  @ApiCreatedResponse({ type: DatasetDto, description: 'Schema inferred (types, missing counts), sha256 and row count' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Bad URI (e.g. outside DATA_DIR), unknown format or unreadable file' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is taken' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'An s3:// URI without object storage configured' })
  async register(@Body() dto: RegisterDatasetDto, @UploadedFile() file?: { path: string; originalname: string }): Promise<DatasetDto> {
    if (file) return this.datasets.registerUpload(file.path, file.originalname, dto.name, dto.format);
    if (!dto.uri) throw new ValidationFailedError([{ field: 'uri', reason: 'is required unless a file is uploaded (multipart field "file")' }]);
    return this.datasets.register(dto.uri, dto.name, dto.format);
  }

  @Get()
  @ApiOperation({ summary: 'List datasets, newest first' })
  @ApiOkResponse({ type: [DatasetDto] })
  list(): Promise<DatasetDto[]> {
    return this.datasets.list();
  }

  @Get(':idOrName')
  @ApiOperation({ summary: 'One dataset with its inferred schema' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'idOrName breaks the resource-name rule' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { idOrName }: IdOrNameParamsDto): Promise<DatasetDto> {
    return this.datasets.get(idOrName);
  }
}
