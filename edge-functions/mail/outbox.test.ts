// Against the running database (`make test` passes SUPABASE_DB_URL): the real claim/complete SQL,
// the real SMTP client and the delivery logic together.
import assert from 'node:assert/strict'
import postgres from 'postgres'
import { smtpSender } from './adapters.ts'
import { type Outbox, deliverOutbox } from './deliver.ts'
import type { OutboxMail } from './templates.ts'

const url = Deno.env.get('SUPABASE_DB_URL')
const settings = { siteUrl: 'http://127.0.0.1:3000', firmName: 'Kanzlei Weber & Partner', timeZone: 'Europe/Berlin' }
const noAccounts = async () => null

/** The outbox RPCs over a connection or transaction, as the service role would call them. */
function outboxOver(sql: postgres.Sql | postgres.TransactionSql): Outbox {
  return {
    claim: async (maxCount, ids) => [...await sql<OutboxMail[]>`select * from public.claim_outbox_mail(${maxCount}, ${ids}::uuid[])`],
    complete: async (id, error) => {
      await sql`select public.complete_outbox_mail(${id}, ${error})`
    },
  }
}

/** A loopback port nobody listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 })
  const { port } = listener.addr as Deno.NetAddr
  listener.close()
  return port
}

class Rollback extends Error {}

Deno.test({
  name: 'an unreachable SMTP server: each attempt is retried later with back-off, then the mail is given up without its code',
  ignore: !url,
  async fn() {
    const sql = postgres(url!, { max: 1, onnotice: () => {} })
    const send = smtpSender({ host: '127.0.0.1', port: closedPort(), secure: false, requireTls: false }, { name: 'Test', address: 'portal@test.example' })
    const original = console.error
    console.error = () => {}
    try {
      // One transaction, rolled back: nobody else sees the mail, and the trigger's request is never sent.
      await sql.begin(async (tx) => {
        const [queued] = await tx<Array<{ id: string }>>`
          insert into ops.mail_outbox (template, recipient, data)
          values ('mfa_email_code', 'retry@test.example', ${tx.json({ purpose: 'verify', expires_at: '2026-11-27T14:10:00Z', secret: { code: '123456' } })})
          returning id`
        const deps = { outbox: outboxOver(tx), send, accountSetupToken: noAccounts, settings }
        const delays: number[] = []
        for (let attempt = 1; attempt <= 8; attempt++) {
          assert.deepEqual(await deliverOutbox(deps, [queued!.id]), { sent: 0, failed: 1 })
          const [row] = await tx<Array<{ status: string, attempts: number, delay: number, last_error: string, has_code: boolean }>>`
            select status, attempts, extract(epoch from next_attempt_at - now())::int as delay, last_error, data ? 'secret' as has_code
              from ops.mail_outbox where id = ${queued!.id}`
          assert.equal(row!.attempts, attempt)
          assert.match(row!.last_error, /ECONNREFUSED/)
          assert.doesNotMatch(row!.last_error, /123456/)
          if (attempt < 8) {
            assert.equal(row!.status, 'pending')
            assert.equal(row!.has_code, true)
            delays.push(row!.delay)
            await tx`update ops.mail_outbox set next_attempt_at = now() where id = ${queued!.id}`
          }
          else {
            assert.equal(row!.status, 'failed')
            assert.equal(row!.has_code, false, 'a given-up mail keeps no code')
          }
        }
        assert.deepEqual(delays, [2, 4, 8, 16, 32, 64, 128].map(minutes => minutes * 60))
        assert.deepEqual(await deliverOutbox(deps, [queued!.id]), { sent: 0, failed: 0 }, 'a failed mail is not claimed again')
        throw new Rollback()
      }).catch((error) => {
        if (!(error instanceof Rollback)) throw error
      })
    }
    finally {
      console.error = original
      await sql.end()
    }
  },
})

Deno.test({
  name: 'two overlapping runs never claim the same mail: the second skips what the first holds',
  ignore: !url,
  async fn() {
    const first = postgres(url!, { max: 1, onnotice: () => {} })
    const second = postgres(url!, { max: 1, onnotice: () => {} })
    let ids: string[] = []
    try {
      // Queued for later (no delivery run starts for them), then made due. Only the minute job could
      // also take them; keep clear of its start at the top of the minute.
      while (new Date().getSeconds() < 5 || new Date().getSeconds() > 50) await new Promise(resolve => setTimeout(resolve, 500))
      ids = (await first<Array<{ id: string }>>`
        insert into ops.mail_outbox (template, recipient, next_attempt_at)
        select 'mfa_email_code', 'overlap-' || n || '@test.example', now() + interval '1 hour' from generate_series(1, 3) as n
        returning id`).map(row => row.id)
      await first`update ops.mail_outbox set next_attempt_at = now() where id = any(${ids}::uuid[])`

      await first.begin(async (tx) => {
        const held = await outboxOver(tx).claim(10, ids)
        assert.equal(held.length, 3)
        // Without `skip locked` this would wait for the first run's transaction: the test would hang.
        assert.deepEqual(await outboxOver(second).claim(10, ids), [])
      })
      assert.deepEqual(await outboxOver(second).claim(10, ids), [], 'claimed mails are not due for another run')
      const states = await first<Array<{ status: string, attempts: number }>>`
        select status, attempts from ops.mail_outbox where id = any(${ids}::uuid[])`
      assert.deepEqual([...states], ids.map(() => ({ status: 'sending', attempts: 1 })))
    }
    finally {
      await first`delete from ops.mail_outbox where id = any(${ids}::uuid[])`
      await first.end()
      await second.end()
    }
  },
})
