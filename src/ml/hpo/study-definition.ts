import type { OptunaStudy } from './optuna-client';
import type { HpoStudy } from './study.entity';
import type { HpoTrial } from './trial.entity';

/** The study as Optuna is told about it; Optuna knows it by the hub's id, so a name can be used again. */
export function optunaStudy(study: HpoStudy): OptunaStudy {
  return { name: study.id, direction: study.objective.direction, sampler: study.sampler, pruner: study.pruner, seed: study.seed, searchSpace: study.searchSpace };
}

/** The best complete trial for the direction; the earlier one on a tie. */
export function bestTrial(trials: HpoTrial[], direction: 'maximize' | 'minimize'): HpoTrial | undefined {
  let best: HpoTrial | undefined;
  for (const trial of trials) {
    if (trial.state !== 'complete' || trial.value === null) continue;
    if (!best || (direction === 'maximize' ? trial.value > best.value! : trial.value < best.value!) || (trial.value === best.value && trial.number < best.number)) best = trial;
  }
  return best;
}
