// The private PostgreSQL 15 cluster under .data/<instance>/postgres: create, start, stop, status.
// Never deletes data on its own: a half-created folder, a stale pid file or a busy port stop with
// a message that says what to do.
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { DevstackConfig } from '../config.ts'
import { asClusterUser, CommandError, isRoot, run, runOrThrow } from '../lib/process.ts'

export const pgBin = process.env.PG_BIN_DIR || '/usr/lib/postgresql/15/bin'

/** Debian packages the cluster needs besides the server, with a file that proves each is installed. */
const requiredPackages: Array<[pkg: string, proof: string]> = [
  ['postgresql-15-cron', '/usr/share/postgresql/15/extension/pg_cron.control'],
  ['postgresql-15-pgtap', '/usr/share/postgresql/15/extension/pgtap.control'],
  ['postgresql-15-plpgsql-check', '/usr/share/postgresql/15/extension/plpgsql_check.control'],
  ['postgresql-15-wal2json', '/usr/lib/postgresql/15/lib/wal2json.so'],
  // pg_prove, which runs the pgTAP suite: only a recommendation of postgresql-15-pgtap, so named here.
  ['libtap-parser-sourcehandler-pgtap-perl', '/usr/bin/pg_prove'],
]

export class ClusterError extends Error {}

/** Installs missing Debian packages when root; otherwise says which command to run. */
export function ensureSystemPackages(packages = requiredPackages): void {
  if (!existsSync(join(pgBin, 'postgres'))) {
    throw new ClusterError(`PostgreSQL 15 server binaries not found in ${pgBin}. Install them: sudo apt-get install -y postgresql-15`)
  }
  const missing = packages.filter(([, proof]) => !existsSync(proof)).map(([pkg]) => pkg)
  if (missing.length === 0) return
  if (!isRoot) {
    throw new ClusterError(`Missing Debian packages: ${missing.join(', ')}.\nRun: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`)
  }
  console.log(`Installing ${missing.join(', ')} …`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  runOrThrow('apt-get', ['update', '-qq'], { env })
  runOrThrow('apt-get', ['install', '-y', '-qq', ...missing], { env })
}

function clusterCommand(command: string, args: string[]): string {
  const [cmd, fullArgs] = asClusterUser(join(pgBin, command), args)
  return runOrThrow(cmd, fullArgs, { cwd: tmpdir() })
}

type ClusterState = 'absent' | 'incomplete' | 'stopped' | 'running'

const readyMarker = (config: DevstackConfig) => join(config.pgDataDir, 'devstack-created')

export function clusterState(config: DevstackConfig): ClusterState {
  if (!existsSync(config.pgDataDir)) return 'absent'
  if (!existsSync(readyMarker(config))) return 'incomplete'
  return postmasterPid(config) ? 'running' : 'stopped'
}

/** The pid of a live postmaster for this data folder, or null (a stale pid file counts as none). */
export function postmasterPid(config: DevstackConfig): number | null {
  const pidFile = join(config.pgDataDir, 'postmaster.pid')
  let text: string
  try {
    text = readFileSync(pidFile, 'utf8')
  }
  catch {
    return null
  }
  const pid = Number(text.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
  }
  catch {
    return null
  }
  // A reused pid that belongs to something else is not our server.
  const cmdline = run('cat', [`/proc/${pid}/cmdline`]).stdout
  return cmdline.includes('postgres') ? pid : null
}

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolveUse) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolveUse(true)
    })
    socket.once('error', () => resolveUse(false))
  })
}

function chownToClusterUser(path: string): void {
  if (!isRoot) return
  const uid = Number(runOrThrow('id', ['-u', 'postgres']).trim())
  const gid = Number(runOrThrow('id', ['-g', 'postgres']).trim())
  chownSync(path, uid, gid)
}

/**
 * As root the server runs as `postgres`, which must pass through every parent folder; a checkout under
 * a private folder (`mktemp -d` makes 0700 ones) would otherwise fail deep inside initdb.
 */
function ensureClusterUserReaches(pgDataDir: string): void {
  if (!isRoot) return
  const [cmd, args] = asClusterUser('test', ['-w', pgDataDir])
  if (run(cmd, args).status === 0) return
  rmSync(pgDataDir, { recursive: true, force: true })
  throw new ClusterError(
    `The user postgres cannot reach ${pgDataDir}: one of its parent folders is closed to other users.\n`
    + 'Open them (chmod o+x on each parent, e.g. a folder made by mktemp -d) or check the project out elsewhere.',
  )
}

/** initdb with the Supabase image's bootstrap superuser and our settings. */
export function createCluster(config: DevstackConfig): void {
  const state = clusterState(config)
  if (state === 'incomplete') {
    throw new ClusterError(
      `The data folder ${config.pgDataDir} is incomplete: an earlier create was interrupted.\n`
      + 'Nothing was deleted. Run `make reset` to delete this instance\'s local data and create it anew.',
    )
  }
  if (state !== 'absent') return
  mkdirSync(config.dataDir, { recursive: true })
  mkdirSync(config.pgDataDir, { mode: 0o700 })
  chownToClusterUser(config.pgDataDir)
  ensureClusterUserReaches(config.pgDataDir)
  const pwFile = join(tmpdir(), `devstack-pw-${process.pid}`)
  writeFileSync(pwFile, `${config.dbPassword}\n`, { mode: 0o644 })
  try {
    clusterCommand('initdb', [
      '-D', config.pgDataDir, '-U', 'supabase_admin', `--pwfile=${pwFile}`,
      '--encoding=UTF8', '--locale=C.UTF-8', '--auth-local=trust', '--auth-host=scram-sha-256',
    ])
  }
  finally {
    rmSync(pwFile, { force: true })
  }
  const settings = `
# --- devstack settings (devstack/src/db/cluster.ts) ---
listen_addresses = '127.0.0.1'
port = ${config.ports.db}
unix_socket_directories = '${config.pgDataDir}'
shared_preload_libraries = 'pg_cron, pg_stat_statements'
cron.database_name = 'postgres'
# pg_cron connects for each job as its owner; over the socket (local trust) it needs no password.
cron.host = '${config.pgDataDir}'
cron.timezone = 'UTC'
timezone = 'UTC'
wal_level = logical
max_replication_slots = 10
max_wal_senders = 10
password_encryption = 'scram-sha-256'
logging_collector = on
log_directory = 'log'
log_filename = 'postgresql.log'
log_min_messages = warning
log_min_error_statement = error
`
  clusterAppend(config, 'postgresql.conf', settings)
  clusterAppend(config, 'pg_hba.conf', 'host replication all 127.0.0.1/32 scram-sha-256\n')
  clusterTouch(readyMarker(config))
}

function clusterAppend(config: DevstackConfig, file: string, text: string): void {
  appendFileSync(join(config.pgDataDir, file), text)
}

function clusterTouch(path: string): void {
  writeFileSync(path, `${new Date().toISOString()}\n`)
  chownToClusterUser(path)
}

/** How often a start is tried while the port is briefly held (see below), a second apart. */
const bindAttempts = 10

export async function startCluster(config: DevstackConfig): Promise<'started' | 'already running'> {
  const state = clusterState(config)
  if (state === 'running') return 'already running'
  if (state !== 'stopped') throw new ClusterError(`No cluster to start in ${config.pgDataDir} (state: ${state}).`)
  if (existsSync(join(config.pgDataDir, 'postmaster.pid'))) {
    console.log('Found a stale postmaster.pid (its process is gone); PostgreSQL will replace it.')
  }
  if (await portInUse(config.ports.db)) {
    throw new ClusterError(
      `Port ${config.ports.db} on 127.0.0.1 is in use by another program, so PostgreSQL cannot start.\n`
      + `See who holds it: ss -ltnp 'sport = :${config.ports.db}'. Stop it, or shift this checkout's ports with DEVSTACK_PORT_OFFSET=100.`,
    )
  }
  for (let attempt = 1; ; attempt++) {
    try {
      // -l detaches the server's output from our pipes (otherwise spawnSync waits for the server to exit).
      clusterCommand('pg_ctl', ['start', '-D', config.pgDataDir, '-l', join(config.pgDataDir, 'startup.log'), '-w', '-t', '60', '-s'])
      return 'started'
    }
    catch (error) {
      const log = run('tail', ['-n', '20', join(config.pgDataDir, 'log', 'postgresql.log')]).stdout
      // The devstack's ports lie in Linux's range for the local ends of outgoing connections
      // (32768–60999): one of those can hold the port for a moment although nothing listens (the
      // check above passes), and PostgreSQL's bind fails. Such a connection ends soon.
      if (attempt < bindAttempts && log.includes('Address already in use')) {
        await new Promise(resolveWait => setTimeout(resolveWait, 1000))
        continue
      }
      throw new ClusterError(`PostgreSQL did not start.\n${error instanceof CommandError ? error.output : String(error)}\n${log}`)
    }
  }
}

export function stopCluster(config: DevstackConfig): 'stopped' | 'not running' {
  if (clusterState(config) !== 'running') return 'not running'
  clusterCommand('pg_ctl', ['stop', '-D', config.pgDataDir, '-m', 'fast', '-w', '-t', '60', '-s'])
  return 'stopped'
}

/** Deletes this instance's local data. Only `make reset` (an explicit request) calls this. */
export function deleteInstanceData(config: DevstackConfig): void {
  if (clusterState(config) === 'running') stopCluster(config)
  rmSync(config.dataDir, { recursive: true, force: true })
}
