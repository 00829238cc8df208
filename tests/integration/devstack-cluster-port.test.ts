// Devstack: a cluster whose port is held for a moment by a client socket (bound without
// SO_REUSEADDR, so PostgreSQL's bind fails although nothing listens and the busy-port check
// passes) starts once that socket is gone. The devstack's ports lie in Linux's range for such
// local ends (32768–60999); this made the backup drill fail once on CI, where its restore
// instance starts while the suite has hundreds of sockets open. Node sets SO_REUSEADDR on every
// socket it binds, so the holder is a few lines of Perl (perl-base is part of every Debian).
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../devstack/src/config.ts'
import { createCluster, startCluster, stopCluster } from '../../devstack/src/db/cluster.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'devstack-port-'))
// initdb runs as the postgres user when the tests run as root: it must reach the folder.
chmodSync(dataDir, 0o755)
const config = { ...loadConfig({ DEVSTACK_INSTANCE: 'cluster-port' }), dataDir, pgDataDir: join(dataDir, 'postgres') }

// A connected client socket on a port the kernel picks; prints the port, and once told (a line on
// stdin) holds it 2.5 s more.
const holder = `use Socket;
socket(my $server, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($server, sockaddr_in(0, inet_aton('127.0.0.1'))) or die "bind: $!";
listen($server, 1) or die "listen: $!";
socket(my $client, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($client, sockaddr_in(0, inet_aton('127.0.0.1'))) or die "bind: $!";
connect($client, getsockname($server)) or die "connect: $!";
my ($port) = sockaddr_in(getsockname($client));
$| = 1; print "$port\\n"; my $go = <STDIN>; select(undef, undef, undef, 2.5);`

afterAll(() => {
  stopCluster(config)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a cluster start while a client socket holds its port', () => {
  it('waits for the socket to go and starts', async () => {
    const perl = spawn('perl', ['-e', holder], { stdio: ['pipe', 'pipe', 'inherit'] })
    config.ports.db = await new Promise<number>((resolvePort, rejectPort) => {
      perl.stdout.once('data', (chunk: Buffer) => resolvePort(Number(chunk.toString().trim())))
      perl.once('exit', code => rejectPort(new Error(`perl exited (${code}) before holding a port`)))
    })
    // The port goes into the cluster's postgresql.conf here.
    createCluster(config)
    perl.stdin.end('go\n')
    const startedAt = Date.now()
    expect(await startCluster(config)).toBe('started')
    // It met the held port: the start succeeded only once the socket was gone.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1500)
  }, 60_000)
})
