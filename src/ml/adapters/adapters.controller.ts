import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADAPTER_CATALOG, ADAPTERS } from './adapter-catalog';
import { AdapterRuntimeService, RuntimeReport } from './adapter-runtime.service';

@ApiTags('ml')
@Controller('ml/adapters')
export class AdaptersController {
  constructor(private readonly runtimes: AdapterRuntimeService) {}

  @Get()
  @ApiOperation({ summary: 'Training adapters: whether each runtime is installed here, its algorithms, tasks and hyperparameter schemas' })
  @ApiOkResponse({
    schema: {
      example: [
        {
          name: 'sklearn',
          runtime: 'Python 3 with numpy, pandas and scikit-learn',
          status: { available: true, versions: { python: '3.11.2', sklearn: '1.2.1' }, missing: [] },
          algorithms: { knn: { tasks: ['classification', 'regression'], description: 'k nearest neighbours', hyperparameters: { type: 'object' } } },
        },
      ],
    },
  })
  async list(): Promise<{ name: string; runtime: string; status: RuntimeReport; algorithms: (typeof ADAPTER_CATALOG)[keyof typeof ADAPTER_CATALOG]['algorithms'] }[]> {
    return Promise.all(ADAPTERS.map(async (name) => ({ name, runtime: ADAPTER_CATALOG[name].runtime, status: await this.runtimes.check(name), algorithms: ADAPTER_CATALOG[name].algorithms })));
  }
}
