import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ArtifactChecksumError, InvalidArtifactKeyError } from './artifact-store';
import { FsArtifactStore } from './fs-artifact-store';
import { NotFoundError } from '../errors/app-error';

describe('FsArtifactStore', () => {
  let dir: string;
  let store: FsArtifactStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artifacts-'));
    store = new FsArtifactStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores and reads back buffers and streams with their checksum', async () => {
    const meta = await store.put('models/iris/1/model.json', Buffer.from('{"w":[1,2]}'), { contentType: 'application/json' });
    expect(meta).toMatchObject({ key: 'models/iris/1/model.json', size: 11, contentType: 'application/json' });
    expect(meta.sha256).toBe(createHash('sha256').update('{"w":[1,2]}').digest('hex'));
    expect((await store.get('models/iris/1/model.json')).toString()).toBe('{"w":[1,2]}');

    await store.put('models/iris/2/model.bin', Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect((await store.get('models/iris/2/model.bin')).toString()).toBe('abcd');
    expect((await store.list('models/iris/')).map((m) => m.key)).toEqual(['models/iris/1/model.json', 'models/iris/2/model.bin']);
    expect(store.uri('models/iris/2/model.bin')).toBe(`file://${join(dir, 'models/iris/2/model.bin')}`);
  });

  it('detects a file changed behind its back', async () => {
    await store.put('a/b.bin', Buffer.from('original'));
    await writeFile(join(dir, 'a/b.bin'), 'tampered');
    await expect(store.get('a/b.bin')).rejects.toBeInstanceOf(ArtifactChecksumError);
  });

  it('streams an artifact, failing at the end of a file changed behind its back', async () => {
    await store.put('big/rows.csv', Buffer.from('a,b\n1,2\n'));
    const read = async (key: string) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await store.open(key)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString();
    };
    expect(await read('big/rows.csv')).toBe('a,b\n1,2\n');
    await writeFile(join(dir, 'big/rows.csv'), 'a,b\n6,6\n');
    await expect(read('big/rows.csv')).rejects.toBeInstanceOf(ArtifactChecksumError);
    await expect(store.open('big/none.csv')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers missing keys with not found and deletes idempotently', async () => {
    await expect(store.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.stat('nope')).toBeNull();
    await store.put('x', Buffer.from('1'));
    await store.delete('x');
    await store.delete('x');
    expect(await store.stat('x')).toBeNull();
    expect(await new FsArtifactStore(join(dir, 'missing')).list()).toEqual([]);
  });

  it('refuses keys that escape the directory', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a/../../b', 'a/./b', 'a/', 'x.meta.json', 'sp ace']) {
      await expect(store.put(key, Buffer.from('1'))).rejects.toBeInstanceOf(InvalidArtifactKeyError);
    }
  });
});
