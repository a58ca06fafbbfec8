import { aliasProblem, stageTransitionProblem } from './stage-rules';

describe('stage rules', () => {
  it('allows the usual moves, rollbacks from Archived, and nothing into the same stage', () => {
    expect(stageTransitionProblem('None', 'Staging')).toBeNull();
    expect(stageTransitionProblem('Staging', 'Production')).toBeNull();
    expect(stageTransitionProblem('Production', 'Archived')).toBeNull();
    expect(stageTransitionProblem('Archived', 'Production')).toBeNull();
    expect(stageTransitionProblem('Production', 'Production')).toBe('the version is already in Production');
    expect(stageTransitionProblem('Production', 'None')).toContain('not a valid transition');
    expect(stageTransitionProblem('Archived', 'None')).toContain('from Archived a version can go to Staging, Production');
  });

  it('keeps stage names, "latest" and numbers out of aliases', () => {
    expect(aliasProblem('champion')).toBeNull();
    expect(aliasProblem('Production')).toContain('reserved');
    expect(aliasProblem('latest')).toContain('newest version');
    expect(aliasProblem('3')).toContain('version number');
  });
});
