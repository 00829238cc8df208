// `make backup-target`: a local backup target for trying backups on the dev instance — an S3
// server (s3rver, port 54330 + offset, objects in .data/dev/s3/) with the bucket portal-backup, an
// age key pair (private key in .data/dev/backup-identity.txt: on a real server it would never be
// there) and the two Vault secrets the backup function reads. `--stop` stops the S3 server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import postgres from 'postgres'
import { dbUrl, loadConfig } from '../devstack/src/config.ts'
import { runningPid, startS3Server, stopProcess } from './s3-server.ts'

const config = loadConfig()
const pidFile = join(config.dataDir, 's3rver.pid')
const identityFile = join(config.dataDir, 'backup-identity.txt')
const targetFile = join(config.dataDir, 'backup-target.json')
const port = 54330 + config.portOffset

if (process.argv.includes('--stop')) {
  const pid = runningPid(pidFile)
  if (pid) await stopProcess(pid)
  console.log(`Local S3 server (${config.instance}): ${pid ? 'stopped' : 'not running'}`)
  process.exit(0)
}

let endpoint = `http://127.0.0.1:${port}`
if (!runningPid(pidFile)) {
  const server = await startS3Server(config.root, join(config.dataDir, 's3'), { port, buckets: ['portal-backup'], pidFile })
  endpoint = server.endpoint
}
const target = { endpoint, region: 'us-east-1', bucket: 'portal-backup', prefix: '', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', pathStyle: true }
writeFileSync(targetFile, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 })
if (!existsSync(identityFile)) {
  const identity = await generateX25519Identity()
  writeFileSync(identityFile, `# local development only: in production this key lives offline with the lawyer\n# public key: ${await identityToRecipient(identity)}\n${identity}\n`, { mode: 0o600 })
}
const identity = readFileSync(identityFile, 'utf8').split('\n').find(line => line.startsWith('AGE-SECRET-KEY-1'))!
const recipient = await identityToRecipient(identity)

const sql = postgres(dbUrl(config), { max: 1, onnotice: () => {} })
try {
  for (const [name, value] of [['backup_target', JSON.stringify(target)], ['backup_recipients', recipient]] as const) {
    const [existing] = await sql`select id from vault.secrets where name = ${name}`
    if (existing) await sql`select vault.update_secret(${existing.id}, ${value})`
    else await sql`select vault.create_secret(${value}, ${name})`
  }
}
finally {
  await sql.end()
}
console.log(`Local backup target (${config.instance}): ${endpoint}, bucket portal-backup (objects in ${join(config.dataDir, 's3')})`)
console.log(`Recipient (public key): ${recipient}`)
console.log(`Private key: ${identityFile} — local only; in production it never is on the server`)
console.log(`Vault: backup_target and backup_recipients stored. Try "Jetzt sichern" under Verwaltung → Sicherungen, then make restore.`)
