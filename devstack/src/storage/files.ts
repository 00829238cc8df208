// Object bodies on disk, laid out like storage-api's file backend: <root>/<bucket>/<name>/<version>.
// A new version never overwrites a file: it is streamed to a temp file in <root>/~uploads, flushed,
// renamed into place and its folder synced before the database row points at it. Files no row
// points at (an upload killed between rename and commit, an old version whose delete was cut
// short) are swept at start-up, together with leftover temp files.
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { link, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ERRORS } from './errors.ts'

/** `~` cannot occur in a bucket name, so these folders never collide with a bucket. */
const TEMP_FOLDER = '~uploads'
export const RESUMABLE_FOLDER = '~resumable'

export interface StoredFile {
  path: string
  size: number
  /** storage-api's file backend ETag: the quoted MD5 of the content. */
  eTag: string
}

export class FileStore {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  /** Where one version of an object lives; refuses anything that would leave its bucket folder. */
  versionPath(bucket: string, name: string, version: string): string {
    const bucketDir = resolve(this.root, bucket)
    if (bucket === TEMP_FOLDER || bucket === RESUMABLE_FOLDER || dirname(bucketDir) !== this.root) throw ERRORS.invalidBucketName()
    const file = resolve(bucketDir, `./${name}`, version)
    if (!file.startsWith(bucketDir + sep)) throw ERRORS.invalidKey(name)
    return file
  }

  /**
   * Streams `source` into a durable new file at `target`. Over `maxBytes` the stream is stopped
   * with EntityTooLarge; on any failure the temp file is removed and nothing appears at `target`.
   */
  async write(source: Readable, target: string, maxBytes: number): Promise<StoredFile> {
    const tempDir = join(this.root, TEMP_FOLDER)
    await mkdir(tempDir, { recursive: true })
    const tempFile = join(tempDir, randomUUID())
    const md5 = createHash('md5')
    let size = 0
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (size > maxBytes) return done(ERRORS.entityTooLarge())
        md5.update(chunk)
        done(null, chunk)
      },
    })
    try {
      // `flush` fsyncs the file before it is closed.
      await pipeline(source, meter, createWriteStream(tempFile, { flags: 'wx', flush: true }))
      await this.place(tempFile, target, 'rename')
    }
    catch (error) {
      await rm(tempFile, { force: true })
      throw error
    }
    return { path: target, size, eTag: `"${md5.digest('hex')}"` }
  }

  /** Moves a finished file (a resumable upload's parts) into place as a new version. */
  async adopt(source: string, target: string): Promise<void> {
    await this.place(source, target, 'rename')
  }

  /** A second name for an existing version (copy and move): versions are never changed in place. */
  async linkTo(source: string, target: string): Promise<void> {
    await this.place(source, target, 'link')
  }

  private async place(source: string, target: string, how: 'rename' | 'link'): Promise<void> {
    const folder = dirname(target)
    const firstCreated = await mkdir(folder, { recursive: true })
    await (how === 'rename' ? rename(source, target) : link(source, target))
    // The new entry (and any folders created for it) must survive a crash before the row commits.
    const toSync = [folder]
    if (firstCreated) {
      for (let dir = folder; dir !== dirname(firstCreated);) {
        dir = dirname(dir)
        toSync.push(dir)
      }
    }
    for (const dir of toSync) await syncFolder(dir)
  }

  /** Removes one version; empty folders up to the bucket folder go with it. */
  async remove(file: string): Promise<void> {
    await rm(file, { force: true })
    await this.pruneEmptyFolders(dirname(file))
  }

  /** A deleted bucket's folder, if nothing is left in it. */
  async removeBucketFolder(bucket: string): Promise<void> {
    const folder = resolve(this.root, bucket)
    if (dirname(folder) === this.root && bucket !== TEMP_FOLDER) await rmdir(folder).catch(() => {})
  }

  private async pruneEmptyFolders(start: string): Promise<void> {
    for (let dir = start; dirname(dir) !== this.root && dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir)
      }
      catch {
        return
      }
    }
  }

  /**
   * Start-up clean-up: deletes temp files and every stored file that is not one of `referenced`
   * (absolute paths of versions the database points at); unfinished resumable uploads stay
   * (resumable.ts expires them). Returns how many files were removed.
   */
  async sweep(referenced: Set<string>): Promise<number> {
    await rm(join(this.root, TEMP_FOLDER), { recursive: true, force: true })
    let removed = 0
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
      for (const entry of entries) {
        const path = join(dir, entry.name)
        if (entry.isDirectory() && path === join(this.root, RESUMABLE_FOLDER)) continue
        if (entry.isDirectory()) await walk(path)
        else if (!referenced.has(path)) {
          await unlink(path)
          removed++
        }
      }
      if (dir !== this.root) await rmdir(dir).catch(() => {})
    }
    await mkdir(this.root, { recursive: true })
    await walk(this.root)
    return removed
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  }
  finally {
    await handle.close()
  }
}
