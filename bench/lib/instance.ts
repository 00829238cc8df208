// Where a REST benchmark runs: its own devstack instance at full size (ports + `portOffset`, odd
// hundreds: other checkouts' instances sit at even ones, in steps of 200, test + 1000), or the
// running instance it is pointed at (`--smoke --instance test` in make test).
import { join } from 'node:path'
import { loadConfig } from '../../devstack/src/config.ts'
import { runStreaming } from '../../tests/helpers/command.ts'

export function benchInstance(options: { name: string, portOffset: number, smoke: boolean, instance?: string }) {
  const own = options.instance === undefined && !options.smoke
  const env = own
    ? { ...process.env, DEVSTACK_INSTANCE: options.name, DEVSTACK_PORT_OFFSET: String(Number(process.env.DEVSTACK_PORT_OFFSET || 0) + options.portOffset) }
    : { ...process.env, DEVSTACK_INSTANCE: options.instance ?? 'test' }
  const config = loadConfig(env)
  const devstack = async (command: string): Promise<void> => {
    const { code, output } = await runStreaming(process.execPath, [join(config.root, 'devstack/src/cli.ts'), command], { env, quiet: true })
    if (code !== 0) throw new Error(`devstack ${command} failed:\n${output}`)
  }
  return { own, config, devstack }
}
