import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetFileError, openInsideDataDir } from './dataset-file';
import { readRows } from './table-reader';

describe('openInsideDataDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'dataset-file-'));
  const dataDir = join(root, 'data');
  mkdirSync(join(dataDir, 'sub'), { recursive: true });
  writeFileSync(join(dataDir, 'iris.csv'), 'a,b\n1,2\n');
  writeFileSync(join(root, 'secret.csv'), 'secret\n1\n');
  symlinkSync(join(root, 'secret.csv'), join(dataDir, 'out.csv'));
  symlinkSync(join(dataDir, 'iris.csv'), join(dataDir, 'in.csv'));
  symlinkSync(root, join(dataDir, 'up'));
  execFileSync('mkfifo', [join(dataDir, 'pipe.csv')]);

  const reason = async (path: string) => {
    try {
      const { handle } = await openInsideDataDir(path, dataDir);
      await handle.close();
      return 'opened';
    } catch (error) {
      expect(error).toBeInstanceOf(DatasetFileError);
      return (error as DatasetFileError).problems[0].reason;
    }
  };

  it('opens a file inside DATA_DIR, also through a symlink that stays inside, and reads it through the handle', async () => {
    const { handle, size } = await openInsideDataDir(join(dataDir, 'in.csv'), dataDir);
    try {
      expect(size).toBe(8);
      const rows = [];
      for await (const row of readRows(handle, 'csv')) rows.push(row);
      expect(rows).toEqual([{ a: '1', b: '2' }]);
    } finally {
      await handle.close();
    }
  });

  it('refuses what the open actually reached outside DATA_DIR: a symlinked file or directory', async () => {
    expect(await reason(join(dataDir, 'out.csv'))).toContain('outside DATA_DIR');
    expect(await reason(join(dataDir, 'up', 'secret.csv'))).toContain('outside DATA_DIR');
  });

  it('refuses missing files, directories and FIFOs without blocking', async () => {
    expect(await reason(join(dataDir, 'missing.csv'))).toContain('no file at');
    expect(await reason(join(dataDir, 'sub'))).toContain('not a regular file');
    expect(await reason(join(dataDir, 'pipe.csv'))).toContain('not a regular file');
  });
});
