// Runs a test tool as a child process, streaming its output while keeping a copy to parse.
import { spawn } from 'node:child_process'

export interface CommandOutput { code: number, output: string }

export function runStreaming(command: string, args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean } = {}): Promise<CommandOutput> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer) => {
      const text = chunk.toString()
      output += text
      if (!options.quiet) process.stdout.write(text)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', rejectRun)
    child.on('close', code => resolveRun({ code: code ?? 1, output }))
  })
}
