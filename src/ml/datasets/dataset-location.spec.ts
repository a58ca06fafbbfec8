import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { parseDatasetUri } from './dataset-location';

describe('parseDatasetUri', () => {
  const root = mkdtempSync(join(tmpdir(), 'datasets-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'iris.csv'), 'a,b\n1,2\n');
  writeFileSync(join(root, 'secret.csv'), 'x\n1\n');
  symlinkSync(join(root, 'secret.csv'), join(dataDir, 'link.csv'));

  const reason = (uri: string) => {
    try {
      parseDatasetUri(uri, dataDir);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      return (error as ValidationFailedError).problems[0];
    }
  };

  it('accepts files inside DATA_DIR, relative to the working directory or absolute', () => {
    expect(parseDatasetUri(`local://${relative(process.cwd(), join(dataDir, 'iris.csv'))}`, dataDir)).toEqual({ kind: 'local', path: join(dataDir, 'iris.csv') });
    expect(parseDatasetUri(`local://${join(dataDir, 'iris.csv')}`, dataDir)).toEqual({ kind: 'local', path: join(dataDir, 'iris.csv') });
  });

  it('refuses paths that escape DATA_DIR, also through .. and symlinks', () => {
    expect(reason(`local://${join(dataDir, '..', 'secret.csv')}`)).toMatchObject({ field: 'uri', reason: expect.stringContaining('outside DATA_DIR') });
    expect(reason(`local://${join(dataDir, 'link.csv')}`)).toMatchObject({ reason: expect.stringContaining('outside DATA_DIR') });
    expect(reason(`local://${dataDir}`)).toMatchObject({ reason: expect.stringContaining('outside DATA_DIR') });
    expect(reason('local:///etc/passwd')).toMatchObject({ reason: expect.stringContaining('outside DATA_DIR') });
  });

  it('parses s3 URIs and refuses other schemes', () => {
    expect(parseDatasetUri('s3://bucket/path/to/x.csv', dataDir)).toEqual({ kind: 's3', bucket: 'bucket', key: 'path/to/x.csv' });
    expect(reason('s3://bucket')).toMatchObject({ reason: expect.stringContaining('s3://<bucket>/<key>') });
    expect(reason('http://example.com/x.csv')).toMatchObject({ reason: expect.stringContaining('not supported') });
    expect(reason('iris.csv')).toMatchObject({ reason: expect.stringContaining('local://') });
  });
});
