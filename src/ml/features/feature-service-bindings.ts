import { Injectable } from '@nestjs/common';
import { FieldProblem, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { ModelVersion } from '../registry/registry.entities';
import { RegistryService } from '../registry/registry.service';
import { parseFeatureRef } from './feature-view-definition';
import { FeatureViewsService } from './feature-views.service';

/** Binds model versions to online features: every reference names an online view version and one of its features. */
@Injectable()
export class FeatureServiceBindings {
  constructor(
    private readonly views: FeatureViewsService,
    private readonly registry: RegistryService,
  ) {}

  /** `view:feature` is pinned to the view's latest version now, so later definitions do not change what the model gets. */
  async bind(model: string, version: number, references: string[], actor: string): Promise<ModelVersion> {
    const problems: FieldProblem[] = [];
    const pinned: string[] = [];
    const fromView = new Map<string, string>();
    for (const [i, reference] of references.entries()) {
      const { view: name, version: number, feature } = parseFeatureRef(reference);
      // two views' features of one name would fill the same column
      if (fromView.has(feature) && fromView.get(feature) !== name) problems.push({ field: `features[${i}]`, reason: `"${feature}" comes from ${fromView.get(feature)} as well; a row has one column of each name` });
      fromView.set(feature, name);
      const view = await this.views.get(name, number).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      if (!view) problems.push({ field: `features[${i}]`, reason: `no feature view ${number ? `${name} version ${number}` : name}` });
      else if (!view.definition.online) problems.push({ field: `features[${i}]`, reason: `${name} is not an online view` });
      else if (!view.definition.features.some((f) => f.name === feature)) problems.push({ field: `features[${i}]`, reason: `${name} version ${view.version} has no feature "${feature}"` });
      else pinned.push(`${name}@${view.version}:${feature}`);
    }
    if (problems.length) throw new ValidationFailedError(problems);
    return this.registry.setFeatureService(model, version, pinned.length ? pinned : null, actor);
  }
}
