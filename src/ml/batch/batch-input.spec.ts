import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { parseBatchInputUri } from './batch-input';

describe('parseBatchInputUri', () => {
  const root = mkdtempSync(join(tmpdir(), 'batch-input-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'rows.csv'), 'a\n1\n');
  writeFileSync(join(root, 'secret.csv'), 'x\n1\n');
  symlinkSync(join(root, 'secret.csv'), join(dataDir, 'link.csv'));
  const fsPrefix = 'file:///var/lib/mcp-hub/artifacts/';

  const refusal = (uri: string, prefix = fsPrefix) => {
    try {
      parseBatchInputUri(uri, dataDir, prefix);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      const [problem] = (error as ValidationFailedError).problems;
      expect(problem.field).toBe('input.uri');
      return problem.reason;
    }
  };

  it('reads local:// files inside DATA_DIR only, symlinks followed', () => {
    expect(parseBatchInputUri(`local://${join(dataDir, 'rows.csv')}`, dataDir, fsPrefix)).toEqual({ kind: 'local', path: join(dataDir, 'rows.csv') });
    expect(refusal(`local://${join(dataDir, '..', 'secret.csv')}`)).toContain('outside DATA_DIR');
    expect(refusal(`local://${join(dataDir, 'link.csv')}`)).toContain('outside DATA_DIR');
    expect(refusal('local:///etc/passwd')).toContain('outside DATA_DIR');
  });

  it("reads objects of the hub's artifact store, by artifact:// or by the store's own URI", () => {
    expect(parseBatchInputUri('artifact://batch/in/rows.csv', dataDir, fsPrefix)).toEqual({ kind: 'artifact', key: 'batch/in/rows.csv' });
    expect(parseBatchInputUri(`${fsPrefix}runs/1/rows.jsonl`, dataDir, fsPrefix)).toEqual({ kind: 'artifact', key: 'runs/1/rows.jsonl' });
    expect(parseBatchInputUri('s3://hub-artifacts/x/rows.csv', dataDir, 's3://hub-artifacts/')).toEqual({ kind: 'artifact', key: 'x/rows.csv' });
  });

  it('refuses keys that climb out of the store, other buckets, other files and http', () => {
    expect(refusal('artifact://../etc/passwd')).toContain('not a valid artifact key');
    expect(refusal(`${fsPrefix}../../../etc/passwd`)).toContain('not a valid artifact key');
    expect(refusal('artifact:///etc/passwd')).toContain('not a valid artifact key');
    expect(refusal('file:///etc/passwd')).toContain('register other files as a dataset');
    expect(refusal('s3://other-bucket/rows.csv', 's3://hub-artifacts/')).toContain('register other files as a dataset');
    expect(refusal('https://example.com/rows.csv')).toContain('http(s) URIs are not read');
    expect(refusal('http://169.254.169.254/latest/meta-data')).toContain('http(s) URIs are not read');
    expect(refusal('rows.csv')).toContain('local://<path inside DATA_DIR>');
  });
});
