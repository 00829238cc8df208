// Which edge functions start and which do not, as the running API last saw it: written by the
// functions module, read by `make dev`, `make test` and the tests that wait for a function's work.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DevstackConfig } from '../config.ts'
import type { WorkerStatus } from './workers.ts'

export type FunctionStatuses = Record<string, WorkerStatus & { at: string }>

export const functionStatusFile = (config: DevstackConfig) => join(config.dataDir, 'functions.json')

export function readFunctionStatuses(file: string): FunctionStatuses {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as FunctionStatuses : {}
}

export function writeFunctionStatuses(file: string, statuses: FunctionStatuses): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(statuses, null, 2))
  // Renamed into place, so a reader never sees half a file.
  renameSync(`${file}.tmp`, file)
}

/** The reason a function cannot start, or null when it runs or has not been tried. */
export function functionFailure(config: DevstackConfig, name: string): string | null {
  const status = readFunctionStatuses(functionStatusFile(config))[name]
  return status?.state === 'failed' ? status.reason : null
}
