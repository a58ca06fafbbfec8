import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ArtifactChecksumError, bodyOf } from '../../src/platform/artifacts/artifact-store';
import { S3ArtifactStore } from '../../src/platform/artifacts/s3-artifact-store';
import { HubFixture } from '../support/hub-fixture';
import { assertPythonStack, PYTHON_BIN, submitJob, waitForJob } from '../support/ml';
import { S3_ACCESS_KEY, S3_SECRET_KEY, S3TestServer } from '../support/s3-server';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('artifacts and datasets in S3-compatible object storage (s3rver)', () => {
  let s3: S3TestServer;

  beforeAll(async () => {
    assertPythonStack();
    s3 = await S3TestServer.start();
  });

  afterAll(() => s3?.stop());

  it('S3ArtifactStore stores, lists, reads with checksum verification and deletes', async () => {
    const client = s3.client();
    const store = new S3ArtifactStore(client, 'store-test', 'us-east-1');
    const meta = await store.put('models/a/model.json', Buffer.from('{"w":1}'), { contentType: 'application/json' });
    expect(meta).toMatchObject({ key: 'models/a/model.json', size: 7, sha256: sha256(Buffer.from('{"w":1}')) });
    await store.put('models/a/blob.bin', Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect((await store.get('models/a/model.json')).toString()).toBe('{"w":1}');
    expect(await store.stat('models/a/model.json')).toMatchObject({ sha256: meta.sha256, contentType: 'application/json', size: 7 });
    expect((await store.list('models/a/')).map((m) => m.key)).toEqual(['models/a/blob.bin', 'models/a/model.json']);
    expect(store.uri('models/a/model.json')).toBe('s3://store-test/models/a/model.json');

    // Someone rewrites the object behind the store's back, keeping the recorded checksum.
    await client.putObject('store-test', 'models/a/model.json', Buffer.from('{"w":2}'), 7, { 'x-amz-meta-sha256': meta.sha256 });
    await expect(store.get('models/a/model.json')).rejects.toBeInstanceOf(ArtifactChecksumError);

    await store.delete('models/a/blob.bin');
    expect(await store.stat('models/a/blob.bin')).toBeNull();
    expect(await new S3ArtifactStore(client, 'never-created', 'us-east-1').list()).toEqual([]);
  });

  it('a hub with S3_ENDPOINT trains from an s3:// dataset and stores the model in the bucket', async () => {
    const client = s3.client();
    await client.makeBucket('datasets', 'us-east-1');
    const iris = await readFile('data/sample.csv');
    await client.putObject('datasets', 'tables/iris.csv', iris, iris.length);
    const fixture = await HubFixture.start('ml-s3', { mcpServers: {} }, { env: { PYTHON_BIN, S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET: 'hub-artifacts' } });
    try {
      const registered = await fixture.api.send('POST', '/api/ml/datasets', { uri: 's3://datasets/tables/iris.csv' });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ name: 'iris', rowCount: 150, sha256: sha256(iris) });
      expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: 's3://datasets/tables/missing.csv' })).body.details[0].reason).toContain('does not exist');

      const job = await waitForJob(fixture.api, (await submitJob(fixture.api, { adapter: 'node', algorithm: 'random_forest', dataset: 'iris', target: 'species' })).id);
      expect(job.status).toBe('succeeded');
      expect(job.artifact).toMatchObject({ store: 's3', uri: `s3://hub-artifacts/training/${job.id}/model.json` });
      const stored = await bodyOf(await client.getObject('hub-artifacts', job.artifact.key));
      expect(sha256(stored)).toBe(job.artifact.sha256);
      const metadata = JSON.parse((await bodyOf(await client.getObject('hub-artifacts', job.artifact.metadataKey))).toString());
      expect(metadata.dataset.sha256).toBe(sha256(iris));

      const health = await fixture.api.get('/api/health');
      expect(health.body.details.s3).toMatchObject({ status: 'up' });
    } finally {
      await fixture.stop();
    }
  });
});
