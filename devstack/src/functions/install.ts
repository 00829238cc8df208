// `make deps` for the edge functions: every npm package their code and tests import, exactly as
// edge-functions/deno.lock pins it, into the project's Deno cache. Offline when everything is
// there already; the workers then run with --cached-only and never download at start.
import { existsSync, globSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { DevstackConfig } from '../config.ts'
import { runAsync } from '../lib/process.ts'
import { findFunction, functionsRoot, listFunctions } from './catalog.ts'
import { denoBinary, denoEnvironment } from './deno-env.ts'
import { describeDenoFailure } from './failures.ts'

export class FunctionsInstallError extends Error {}

/** Module graphs to install, per deno.json: the functions that use it and the tests beside them. */
function graphsByConfig(config: DevstackConfig, root: string): Map<string, string[]> {
  const graphs = new Map<string, string[]>()
  const add = (denoConfig: string, file: string) => graphs.set(denoConfig, [...graphs.get(denoConfig) ?? [], file])
  for (const name of listFunctions(config, root)) {
    const fn = findFunction(config, name, root)!
    add(fn.denoConfig, fn.entrypoint)
  }
  for (const test of globSync('**/*.test.ts', { cwd: root })) {
    const ownConfig = join(root, test.split('/')[0]!, 'deno.json')
    add(existsSync(ownConfig) ? ownConfig : join(root, 'deno.json'), join(root, test))
  }
  return graphs
}

export interface InstallResult { denoConfig: string, files: number, downloaded: boolean }

/**
 * Installs what the lockfile pins (frozen: a mismatch fails). `updateLock` is for the developer
 * who changed an import: it rewrites the lockfile to match (`make deno-lock`).
 */
export async function installFunctionDependencies(config: DevstackConfig, { updateLock = false } = {}, root = functionsRoot(config)): Promise<InstallResult[]> {
  const env = { ...process.env, ...denoEnvironment(config.root), NO_COLOR: '1' }
  const results: InstallResult[] = []
  for (const [denoConfig, files] of graphsByConfig(config, root)) {
    const install = (entries: string[], ...extra: string[]) => runAsync(denoBinary(config.root), [
      'install', `--frozen=${!updateLock}`, '--node-modules-dir=none', `--config=${denoConfig}`, ...extra,
      '--entrypoint', ...entries.map(file => relative(dirname(denoConfig), file)),
    ], { cwd: dirname(denoConfig), env })
    const where = relative(config.root, denoConfig)
    // Offline first: nothing to fetch when the cache already holds the lockfile's packages.
    const cached = updateLock ? undefined : await install(files, '--cached-only')
    if (cached?.status === 0) {
      results.push({ denoConfig: where, files: files.length, downloaded: false })
      continue
    }
    const online = cached?.stderr.includes('lockfile is out of date') ? cached : await install(files)
    if (online.status !== 0) {
      const reason = describeDenoFailure(`${online.stdout}${online.stderr}`.split('\n'))
      // Which functions lack something, so the message names them (a quick offline check each).
      const broken: string[] = []
      for (const file of files.filter(file => file.endsWith('/index.ts'))) {
        if ((await install([file], '--cached-only')).status !== 0) broken.push(relative(root, dirname(file)))
      }
      const neededBy = broken.length > 0 ? ` (needed by ${broken.map(name => `"${name}"`).join(', ')})` : ''
      throw new FunctionsInstallError(`Installing the edge functions' packages (${where}) failed${neededBy}:\n  ${reason.replaceAll('\n', '\n  ')}`)
    }
    results.push({ denoConfig: where, files: files.length, downloaded: true })
  }
  return results
}
