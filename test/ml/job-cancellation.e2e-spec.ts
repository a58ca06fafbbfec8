import { RedisConnections } from '../../src/platform/redis/redis-connections';
import { JobCancellation } from '../../src/ml/training/job-cancellation';
import { sleep } from '../support/hub-process';

describe('JobCancellation: a worker awaits the verdicts on its job still being reached (real Redis)', () => {
  let redis: RedisConnections;
  let cancellation: JobCancellation;

  beforeAll(() => {
    redis = new RedisConnections('redis://127.0.0.1:6379', `test-job-cancellation-${process.pid}:`);
    cancellation = new JobCancellation(redis);
  });

  afterAll(async () => {
    await redis.commands.del('training:cancel:job-cancelled', 'training:cancel:job-late');
    await cancellation.onModuleDestroy();
    await redis.closeAll();
  });

  it('answers at once with no verdict pending: the reason asked for, or none', async () => {
    expect(await cancellation.afterVerdicts('job-none')).toBeUndefined();
    await cancellation.request('job-cancelled');
    expect(await cancellation.afterVerdicts('job-cancelled')).toBe('cancelled');
  });

  it('waits for a verdict reached after the fit ended, and for one that began while it waited', async () => {
    const order: string[] = [];
    const first = sleep(200).then(() => order.push('first'));
    cancellation.judging('job-late', first);
    const waiting = cancellation.afterVerdicts('job-late').then((reason) => (order.push('answered'), reason));
    await sleep(50);
    cancellation.judging('job-late', sleep(400).then(async () => (await cancellation.request('job-late', 'pruned'), order.push('pruned'))));
    expect(await waiting).toBe('pruned');
    expect(order).toEqual(['first', 'pruned', 'answered']);
    // reached verdicts are forgotten: the next answer does not wait
    expect(await cancellation.afterVerdicts('job-late')).toBe('pruned');
  });

  it('does not fail when a verdict fails (the job is then judged by the flag alone)', async () => {
    cancellation.judging('job-failed-verdict', Promise.reject(new Error('Optuna did not answer')));
    expect(await cancellation.afterVerdicts('job-failed-verdict')).toBeUndefined();
  });
});
