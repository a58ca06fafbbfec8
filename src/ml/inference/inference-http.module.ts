import { Module } from '@nestjs/common';
import { InferenceController } from './inference.controller';
import { InferenceModule } from './inference.module';
import { PredictIngress } from './predict-ingress';

/** Online predictions over HTTP (the API process only): the documented REST routes and their fast path in front of Express. */
@Module({
  imports: [InferenceModule],
  controllers: [InferenceController],
  providers: [PredictIngress],
})
export class InferenceHttpModule {}
