// Addresses enter Auth only in the format GoTrue accepts (validateEmail: github.com/badoux/checkmail,
// at most 255 bytes, lower-cased), on every route that takes one, and the admin user list refuses
// pagination parameters strconv.ParseUint refuses.
import { afterAll, describe, expect, it } from 'vitest'
import { authClient, authFetch, createTestUser } from '../helpers/auth.ts'
import { closeDb, serviceClient, uniqueEmail } from '../helpers/personas.ts'

afterAll(closeDb)

const invalidFormat = { status: 400, code: 'validation_failed', message: 'Unable to validate email address: invalid format' }
const malformed = ['xx:;x@x.x', 'anna @kanzlei.example', 'anna@-kanzlei.example', 'anna@kanzlei..example', ' anna@kanzlei.example']

describe('e-mail addresses', () => {
  it('are refused by admin create, invite and generate_link', async () => {
    const admin = serviceClient().auth.admin
    for (const email of malformed) {
      expect((await admin.createUser({ email, password: 'ein-langes-passwort-123', email_confirm: true })).error, email).toMatchObject(invalidFormat)
      expect((await admin.inviteUserByEmail(email)).error, email).toMatchObject(invalidFormat)
      expect((await admin.generateLink({ type: 'magiclink', email })).error, email).toMatchObject(invalidFormat)
    }
  })

  it('are refused by password recovery and by an e-mail change, before anything is sent', async () => {
    expect((await authClient().auth.resetPasswordForEmail('xx:;x@x.x')).error).toMatchObject(invalidFormat)
    const user = await createTestUser('address-change')
    const client = authClient()
    await client.auth.signInWithPassword({ email: user.email, password: user.password })
    expect((await client.auth.updateUser({ email: 'xx:;x@x.x' })).error).toMatchObject(invalidFormat)
  })

  it('name what is missing or too long', async () => {
    expect((await serviceClient().auth.admin.generateLink({ type: 'magiclink', email: '' })).error)
      .toMatchObject({ status: 400, code: 'validation_failed', message: 'An email address is required' })
    const long = `${'a'.repeat(251)}@x.de` // 256 bytes
    expect((await serviceClient().auth.admin.createUser({ email: long })).error)
      .toMatchObject({ status: 400, code: 'validation_failed', message: 'An email address is too long' })
  })

  it('are stored lower-cased', async () => {
    const email = uniqueEmail('Gross.Schreibung').replace('gross', 'Gross')
    const { data } = await serviceClient().auth.admin.createUser({ email: email.toUpperCase(), email_confirm: true })
    expect(data.user?.email).toBe(email.toLowerCase())
  })

  it('are checked as codes are verified: 422 Invalid email format', async () => {
    const response = await authFetch('/verify', { method: 'POST', body: { type: 'magiclink', email: 'xx:;x@x.x', token: '123456' } })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ code: 'validation_failed', message: 'Invalid email format' })
  })
})

describe('admin user list pagination', () => {
  it('refuses what strconv.ParseUint refuses', async () => {
    const admin = serviceClient().auth.admin
    const negative = await admin.listUsers({ page: -1, perPage: 10 })
    expect(negative.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Bad Pagination Parameters: strconv.ParseUint: parsing "-1": invalid syntax' })
    const fraction = await admin.listUsers({ page: 1, perPage: 1.5 })
    expect(fraction.error).toMatchObject({ status: 400, code: 'validation_failed' })
  })

  it('pages as asked', async () => {
    const { data, error } = await serviceClient().auth.admin.listUsers({ page: 1, perPage: 2 })
    expect(error).toBeNull()
    expect(data.users).toHaveLength(2)
  })
})
