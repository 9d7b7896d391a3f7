import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Binary, type Collection, type MongoClient } from 'mongodb';

/**
 * Content-addressed storage for logos: the key is the SHA-256 of the bytes. The event
 * log records only the address, so a replay never carries megabytes of images, and
 * writing the same image twice is harmless. A blob is written before the event that
 * refers to it; a failed append can leave an unreferenced blob, never a dangling event.
 */
export interface BlobStore {
  put(bytes: Buffer): Promise<string>;
  get(sha256: string): Promise<Buffer | null>;
  /** Removes a blob (an erasure removes the import files that name the person, issue 20); true when there was one. */
  delete(sha256: string): Promise<boolean>;
}


export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash);
  }

  async put(bytes: Buffer): Promise<string> {
    const hash = sha256Of(bytes);
    const target = this.path(hash);
    await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
    // Write, fsync, then rename: a reader sees the whole file or none.
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    return hash;
  }

  async get(hash: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return null;
    return readFile(this.path(hash)).catch(() => null);
  }

  async delete(hash: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return false;
    try {
      await unlink(this.path(hash));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}

export class MongoBlobStore implements BlobStore {
  private readonly blobs: Collection<{ _id: string; data: Binary }>;

  constructor(client: MongoClient, dbName: string) {
    this.blobs = client.db(dbName).collection('blobs');
  }

  async put(bytes: Buffer): Promise<string> {
    const hash = sha256Of(bytes);
    await this.blobs.updateOne({ _id: hash }, { $setOnInsert: { data: new Binary(bytes) } }, { upsert: true });
    return hash;
  }

  async get(hash: string): Promise<Buffer | null> {
    const doc = await this.blobs.findOne({ _id: hash });
    return doc ? Buffer.from(doc.data.buffer) : null;
  }

  async delete(hash: string): Promise<boolean> {
    return (await this.blobs.deleteOne({ _id: hash })).deletedCount === 1;
  }
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
