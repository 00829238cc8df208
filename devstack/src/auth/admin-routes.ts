// The admin users API (internal/api/admin.go) for service-role callers: create, list with
// GoTrue's pagination headers, read, update (incl. ban_duration), delete.
import type { Sql } from 'postgres'
import { sendJson } from '../shared/http.ts'
import { requireAdmin } from './authenticate.ts'
import { type AuthService, objectField, type RequestContext, stringField, uuidPattern } from './context.ts'
import { validateEmail } from './email.ts'
import { badRequest, databaseStep, notFound, notImplemented, unprocessable } from './errors.ts'
import { parseGoDuration } from './duration.ts'
import { adminDeleteFactor, adminListFactors } from './mfa-routes.ts'
import { assertStrongPassword, hashPassword } from './password.ts'
import { userJson } from './serialize.ts'
import { userResponse } from './session-routes.ts'
import { audit, deleteSessions, findUserByEmail, findUserById, type IdentityRow, insertUser, mergeMetadata, type UserRow } from './store.ts'

/** `ban_duration`: a Go duration from now, or "none" to lift a ban. */
function bannedUntil(value: string): Date | null {
  if (value === 'none') return null
  let ms: number
  try {
    ms = parseGoDuration(value)
  }
  catch {
    throw badRequest('validation_failed', `invalid format for ban duration: time: invalid duration "${value}"`)
  }
  return new Date(Date.now() + ms)
}

async function passwordHashFor(auth: AuthService, body: Record<string, unknown>): Promise<string | null> {
  if (typeof body.password === 'string') {
    assertStrongPassword(body.password, auth.settings)
    return hashPassword(body.password)
  }
  const given = stringField(body, 'password_hash')
  if (given) {
    if (!/^\$2[aby]\$\d\d\$/.test(given)) throw badRequest('validation_failed', 'Invalid password hash format: only bcrypt hashes are supported by the devstack')
    return given
  }
  return null
}

export async function createUser(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const body = await ctx.body()
  const given = stringField(body, 'email')
  const phone = stringField(body, 'phone')
  if (!given && !phone) throw badRequest('validation_failed', 'Cannot create a user without either an email or phone')
  if (phone) throw notImplemented('Users with phone numbers')
  const email = validateEmail(given)
  const id = stringField(body, 'id')
  if (id && !uuidPattern.test(id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format')
  if (id === '00000000-0000-0000-0000-000000000000') throw badRequest('validation_failed', 'ID cannot be a nil uuid')
  const encryptedPassword = await passwordHashFor(auth, body) ?? ''
  const ban = stringField(body, 'ban_duration')
  const user = await databaseStep('Database error creating new user', () => auth.sql.begin(async (tx) => {
    if (await findUserByEmail(tx, email)) throw unprocessable('email_exists', 'A user with this email address has already been registered')
    if (id && await findUserById(tx, id)) throw unprocessable('user_already_exists', 'User already exists')
    const created = await insertUser(tx, {
      id: id || undefined,
      email,
      encryptedPassword,
      emailConfirmed: body.email_confirm === true,
      userMetadata: objectField(body, 'user_metadata') ?? objectField(body, 'data') ?? {},
      appMetadata: objectField(body, 'app_metadata') ?? {},
      role: stringField(body, 'role') || 'authenticated',
      bannedUntil: ban ? bannedUntil(ban) : null,
    })
    await audit(tx, created, 'user_signedup', ctx.ip, { provider: 'email', user_id: created.id, user_email: created.email })
    return created
  }))
  sendJson(ctx.res, 200, await userResponse(auth, user))
}

export async function listUsers(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const query = ctx.url.searchParams
  const page = paginationParameter(query.get('page'), 1)
  const perPage = paginationParameter(query.get('per_page'), 50)
  const filter = query.get('filter') ?? ''
  // FindUsersInAudience: LIKE on the address, ILIKE on full_name, the filter's own % and _ included.
  const pattern = `%${filter}%`
  const where = auth.sql`where instance_id = ${'00000000-0000-0000-0000-000000000000'} and aud = 'authenticated'
    ${filter ? auth.sql`and (email like ${pattern} or raw_user_meta_data->>'full_name' ilike ${pattern})` : auth.sql``}`
  const [{ count }] = await auth.sql<[{ count: number }]>`select count(*)::int as count from auth.users ${where}`
  // pop's Paginate treats page 0 as 1 and per_page 0 as 20 (GoTrue then divides by 0: 500; here the headers use 20).
  const rows = perPage === 0n ? 20 : Number(perPage > 1000000n ? 1000000n : perPage)
  const offset = page <= 1n ? 0n : (page - 1n) * BigInt(rows)
  const users = await auth.sql<UserRow[]>`
    select * from auth.users ${where} order by created_at desc, id limit ${rows} offset ${offset.toString()}::bigint`
  const ids = users.map(user => user.id)
  const identities = ids.length ? await auth.sql<IdentityRow[]>`select * from auth.identities where user_id = any(${ids}::uuid[]) order by created_at` : []
  const factors = ids.length ? await auth.sql`select * from auth.mfa_factors where user_id = any(${ids}::uuid[]) order by created_at` : []
  const body = users.map(user => userJson(user, identities.filter(row => row.user_id === user.id), factors.filter(row => row.user_id === user.id) as never))
  sendJson(ctx.res, 200, { users: body, aud: 'authenticated' }, paginationHeaders(ctx.url, Number(page), rows, count))
}

/** GoTrue's paginate: strconv.ParseUint, so `-1`, `1.5` or `abc` are refused, not clamped. */
function paginationParameter(value: string | null, fallback: number): bigint {
  if (!value) return BigInt(fallback)
  if (!/^\d+$/.test(value) || BigInt(value) > 18446744073709551615n) {
    const reason = /^\d+$/.test(value) ? 'value out of range' : 'invalid syntax'
    throw badRequest('validation_failed', `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(value)}: ${reason}`)
  }
  return BigInt(value)
}

/** GoTrue's addPaginationHeaders: links from the request URL with sorted query keys. */
export function paginationHeaders(url: URL, page: number, perPage: number, total: number): Record<string, string> {
  const totalPages = Math.ceil(total / perPage)
  const link = (target: number) => {
    const query = new URLSearchParams(url.searchParams)
    query.set('page', String(target))
    query.set('per_page', String(perPage))
    query.sort()
    return `<${url.pathname}?${query.toString()}>`
  }
  const parts: string[] = []
  if (totalPages > page) parts.push(`${link(page + 1)}; rel="next"`)
  parts.push(`${link(totalPages)}; rel="last"`)
  return { 'Link': parts.join(', '), 'X-Total-Count': String(total) }
}

async function loadUser(sql: Sql, userId: string): Promise<UserRow> {
  if (!uuidPattern.test(userId)) throw notFound('validation_failed', 'user_id must be an UUID')
  const user = await findUserById(sql, userId)
  if (!user) throw notFound('user_not_found', 'User not found')
  return user
}

export async function adminUser(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const user = await loadUser(auth.sql, ctx.params.userId!)
  if (ctx.req.method === 'GET') return sendJson(ctx.res, 200, await userResponse(auth, user))
  if (ctx.req.method === 'PUT') return updateUserById(auth, ctx, user)
  return deleteUser(auth, ctx, user)
}

export async function adminUserFactors(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const user = await loadUser(auth.sql, ctx.params.userId!)
  return adminListFactors(auth, ctx, user.id)
}

export async function adminUserFactor(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const user = await loadUser(auth.sql, ctx.params.userId!)
  if (ctx.req.method === 'PUT') throw notImplemented('Updating a factor through the admin API')
  return adminDeleteFactor(auth, ctx, user.id)
}

async function updateUserById(auth: AuthService, ctx: RequestContext, user: UserRow): Promise<void> {
  const body = await ctx.body()
  if (stringField(body, 'phone')) throw notImplemented('Users with phone numbers')
  const given = stringField(body, 'email')
  const email = given ? validateEmail(given) : ''
  const encryptedPassword = await passwordHashFor(auth, body)
  const userMetadata = objectField(body, 'user_metadata')
  const appMetadata = objectField(body, 'app_metadata')
  const role = stringField(body, 'role')
  const ban = stringField(body, 'ban_duration')
  const updated = await databaseStep('Error updating user', () => auth.sql.begin(async (tx) => {
    if (email && email !== user.email) {
      const other = await findUserByEmail(tx, email)
      if (other && other.id !== user.id) throw unprocessable('email_exists', 'A user with this email address has already been registered')
      await tx`update auth.users set email = ${email} where id = ${user.id}`
      await tx`
        update auth.identities set identity_data = identity_data || ${tx.json({ email })}, updated_at = now()
        where user_id = ${user.id} and provider = 'email'`
    }
    if (encryptedPassword !== null) await tx`update auth.users set encrypted_password = ${encryptedPassword} where id = ${user.id}`
    if (body.email_confirm === true) await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${user.id}`
    if (userMetadata) await tx`update auth.users set raw_user_meta_data = ${tx.json(mergeMetadata(user.raw_user_meta_data, userMetadata) as never)} where id = ${user.id}`
    if (appMetadata) await tx`update auth.users set raw_app_meta_data = ${tx.json(mergeMetadata(user.raw_app_meta_data, appMetadata) as never)} where id = ${user.id}`
    if (role) await tx`update auth.users set role = ${role} where id = ${user.id}`
    if (ban) await tx`update auth.users set banned_until = ${bannedUntil(ban)} where id = ${user.id}`
    await tx`update auth.users set updated_at = now() where id = ${user.id}`
    await audit(tx, user, 'user_modified', ctx.ip, { user_id: user.id, user_email: user.email })
    return (await findUserById(tx, user.id))!
  }))
  sendJson(ctx.res, 200, await userResponse(auth, updated))
}

async function deleteUser(auth: AuthService, ctx: RequestContext, user: UserRow): Promise<void> {
  const body = await ctx.body()
  if (body.should_soft_delete === true) throw notImplemented('Soft deletion of users')
  await auth.sql.begin(async (tx) => {
    await audit(tx, user, 'user_deleted', ctx.ip, { user_id: user.id, user_email: user.email })
    await deleteSessions(tx, user.id, 'global', null)
    await tx`delete from auth.users where id = ${user.id}`
  })
  sendJson(ctx.res, 200, {})
}
