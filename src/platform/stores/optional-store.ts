import { DynamicModule, InjectionToken, Provider } from '@nestjs/common';

/** What an optional store adds to the app when it is configured. */
export interface OptionalStore {
  imports?: DynamicModule[];
  providers: Provider[];
  /** Token of its DependencyProbe. */
  probe: InjectionToken;
}
