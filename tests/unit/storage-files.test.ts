import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileStore } from '../../devstack/src/storage/files.ts'

let root: string
let store: FileStore
const everyFile = () => readdirSync(root, { recursive: true, withFileTypes: true }).filter(entry => entry.isFile())

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'storage-files-'))
  store = new FileStore(root)
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('versionPath', () => {
  it('places a version inside its bucket folder', () => {
    expect(store.versionPath('akten', 'a/b.pdf', 'v1')).toBe(join(root, 'akten', 'a/b.pdf', 'v1'))
    expect(store.versionPath('akten', '/führend.pdf', 'v1')).toBe(join(root, 'akten', 'führend.pdf', 'v1'))
  })

  it('refuses names and bucket ids that leave the bucket folder, and the temp folder', () => {
    expect(() => store.versionPath('akten', '../../etc/passwd', 'v1')).toThrow('Invalid key')
    expect(() => store.versionPath('akten', '..', 'v1')).toThrow('Invalid key')
    expect(() => store.versionPath('..', 'x', 'v1')).toThrow('Bucket name invalid')
    expect(() => store.versionPath('a/b', 'x', 'v1')).toThrow('Bucket name invalid')
    expect(() => store.versionPath('~uploads', 'x', 'v1')).toThrow('Bucket name invalid')
  })
})

describe('write', () => {
  it('puts the complete file in place and reports size and MD5 ETag', async () => {
    const target = store.versionPath('akten', 'brief.txt', 'v1')
    const stored = await store.write(Readable.from([Buffer.from('Hallo '), Buffer.from('Welt')]), target, 100)
    expect(stored).toEqual({ path: target, size: 10, eTag: '"5c372a32c9ae748a4c040ebadc51a829"' })
    expect(readFileSync(target, 'utf8')).toBe('Hallo Welt')
    expect(readdirSync(join(root, '~uploads'))).toEqual([])
  })

  it('leaves nothing behind when the body fails or passes the limit', async () => {
    const failing = Readable.from((async function* () {
      yield Buffer.from('halb')
      throw new Error('client went away')
    })())
    await expect(store.write(failing, store.versionPath('akten', 'halb.txt', 'v1'), 100)).rejects.toThrow('client went away')
    await expect(store.write(Readable.from([Buffer.alloc(60), Buffer.alloc(60)]), store.versionPath('akten', 'gross.txt', 'v1'), 100))
      .rejects.toThrow('The object exceeded the maximum allowed size')
    expect(everyFile()).toEqual([])
  })
})

describe('sweep', () => {
  it('keeps referenced versions and deletes temp files and unreferenced versions with their folders', async () => {
    const kept = store.versionPath('akten', 'bleibt.txt', 'v1')
    const orphan = store.versionPath('akten', 'verwaist/datei.txt', 'v9')
    await store.write(Readable.from([Buffer.from('a')]), kept, 10)
    await store.write(Readable.from([Buffer.from('b')]), orphan, 10)
    expect(await store.sweep(new Set([kept]))).toBe(1)
    expect(everyFile().map(entry => join(entry.parentPath, entry.name))).toEqual([kept])
    expect(existsSync(join(root, 'akten', 'verwaist'))).toBe(false)
  })
})
