// The malformed-request catalogue: for every service behind the gateway, a few ordinary targets,
// and the ways a hostile or broken client bends them — bad filters and nesting, huge and invalid
// bodies, odd content types, Range/Prefer/Accept headers, forged, expired and alg-none tokens,
// path traversal, NUL bytes and Unicode tricks. Each entry is one request; the test sends them all.
import { SignJWT } from 'jose'
import { testEnv } from '../helpers/env.ts'

export type Service = 'rest' | 'auth' | 'storage' | 'functions' | 'realtime'

export interface FuzzRequest {
  service: Service
  label: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array<ArrayBuffer>
}

const secret = () => new TextEncoder().encode(testEnv.jwtSecret)
const base64url = (value: string) => Buffer.from(value).toString('base64url')

/** Bearer tokens that must be refused, each in its own way. */
export async function hostileTokens(): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000)
  const forged = await new SignJWT({ role: 'service_role', sub: '00000000-0000-4000-8000-000000000001' })
    .setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('not-the-project-secret-but-as-long-as-it'))
  const expired = await new SignJWT({ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000001' })
    .setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now - 120).setExpirationTime(now - 60).sign(secret())
  const future = await new SignJWT({ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000001' })
    .setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now + 3600).setNotBefore(now + 3600).setExpirationTime(now + 7200).sign(secret())
  const noRole = await new SignJWT({ role: 'no_such_role' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret())
  return {
    'forged': `Bearer ${forged}`,
    'expired': `Bearer ${expired}`,
    'not yet valid': `Bearer ${future}`,
    'unknown role': `Bearer ${noRole}`,
    'alg none': `Bearer ${base64url('{"alg":"none","typ":"JWT"}')}.${base64url('{"role":"service_role"}')}.`,
    'alg RS256 without keys': `Bearer ${base64url('{"alg":"RS256","kid":"x"}')}.${base64url('{"role":"service_role"}')}.c2ln`,
    'binary header': `Bearer ${Buffer.from([0xFF, 0x00, 0x9C]).toString('base64url')}.e30.c2ln`,
    'one segment': 'Bearer garbage',
    'empty': 'Bearer ',
    'no scheme': testEnv.serviceRoleKey,
    'basic': `Basic ${Buffer.from('user:pass').toString('base64')}`,
    'huge': `Bearer ${'a'.repeat(6000)}.${'b'.repeat(6000)}.c`,
  }
}

/** Paths that try to leave their place or carry bytes no name may hold. */
const hostileSegments = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'a%00b', '%C0%AE%C0%AE', '%E2%80%AE%E2%80%8B', '%F0%9F%92%A9', '%ZZ', 'x'.repeat(3000)]

/** Query strings the REST parser must refuse or read, never choke on. */
const hostileQueries = [
  'select=id,contract_clients(*,contract_projects(*,contract_users(*)))', 'select=((((((', 'select=id)', 'select=*,', 'select=a:b:c',
  'select=id::', 'select=id::text::int', 'select=...contract_clients(*)', 'select=count()', 'select=id.sum()',
  'id=eq', 'id=eq.', 'id=xx.1', 'id=in.(1,2', 'id=in.("a)', 'id=not.not.eq.1', 'id=is.maybe', 'id=cs.{1,2', 'id=fts(.x',
  'or=(id.eq.1', 'or=(and(or(and(id.eq.1))))', 'and=(id.eq.1,)', 'not.or=(x)', 'or=(id.eq.1,id.eq.2)&or=()',
  'order=id.sideways', 'order=,', 'order=id.asc.nullsmiddle', 'order=contract_users(name)',
  'limit=abc', 'limit=-1', 'offset=-5', 'limit=99999999999999999999999', 'offset=1e3', 'limit=0x10', 'limit=0&offset=3',
  'columns=a,b', 'columns="', 'on_conflict=', 'id=eq.%00', 'id=eq.%C0%80', 'name=like.%25%25%25', 'name=imatch.(((',
  'meta->>a->b=eq.1', 'meta->=eq.1', 'meta->>=eq.1', 'contract_users.name=eq.x', `id=in.(${Array.from({ length: 2000 }, (_, i) => i).join(',')})`,
  'select=id&select=name', '%ZZ=1', `${'x'.repeat(2000)}=eq.1`,
]

const rangeHeaders = ['a-b', '5-2', '0-', '-5', '0-0,5-10', 'items=0-9', '9999999999999999999999-1', '']
const preferHeaders = ['count=exact', 'count=nonsense', 'return=representation,return=minimal', 'handling=strict, lenient', 'tx=rollback', 'max-affected=-1, handling=strict', 'timezone=Mars/Olympus', 'resolution=merge-duplicates', 'params=single-object', `x=${'y'.repeat(4000)}`]
const acceptHeaders = ['application/vnd.pgrst.object+json', 'text/csv', 'application/geo+json', 'application/vnd.pgrst.plan+json', 'image/png', '*/*;q=abc', 'application/json;nulls=stripped', ',,,', 'application/vnd.pgrst.array+json;nulls=stripped']
const contentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'text/csv', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=latin1', 'application/xml', '']
const bodies: Record<string, string | Uint8Array<ArrayBuffer>> = {
  'invalid JSON': '{"a":',
  'JSON array': '[1,2,3]',
  'JSON scalar': '"text"',
  'deep nesting': `${'['.repeat(5000)}${']'.repeat(5000)}`,
  'NUL in strings': '{"email":"a\\u0000b@x.de","name":"\\u0000","prefix":"\\u0000"}',
  'lone surrogate': '{"email":"\\ud800@x.de","name":"\\udfff"}',
  'binary': new Uint8Array([0, 255, 254, 0, 1, 2, 3]),
}
/** Over every JSON body limit; sent once per service. */
const hugeBody = `{"data":"${'x'.repeat(11 * 1024 * 1024)}"}`

/** Every request of the catalogue, with the anon key as apikey unless a case says otherwise. */
export async function catalogue(): Promise<FuzzRequest[]> {
  const anon = { apikey: testEnv.anonKey, Authorization: `Bearer ${testEnv.anonKey}` }
  const service = { apikey: testEnv.serviceRoleKey, Authorization: `Bearer ${testEnv.serviceRoleKey}` }
  const requests: FuzzRequest[] = []
  const add = (entry: Omit<FuzzRequest, 'headers'> & { headers?: Record<string, string> }) => requests.push({ headers: anon, ...entry })

  const targets: Record<Service, Array<{ method: string, path: string }>> = {
    rest: [{ method: 'GET', path: '/rest/v1/contract_projects' }, { method: 'POST', path: '/rest/v1/contract_items' }, { method: 'PATCH', path: '/rest/v1/contract_items?id=eq.-1' }, { method: 'POST', path: '/rest/v1/rpc/contract_add' }, { method: 'GET', path: '/rest/v1/rpc/contract_greet' }, { method: 'GET', path: '/rest/v1/' }],
    auth: [{ method: 'POST', path: '/auth/v1/token?grant_type=password' }, { method: 'GET', path: '/auth/v1/user' }, { method: 'PUT', path: '/auth/v1/user' }, { method: 'POST', path: '/auth/v1/verify' }, { method: 'GET', path: '/auth/v1/admin/users' }, { method: 'POST', path: '/auth/v1/otp' }, { method: 'POST', path: '/auth/v1/factors' }],
    storage: [{ method: 'GET', path: '/storage/v1/bucket' }, { method: 'POST', path: '/storage/v1/object/list/documents' }, { method: 'POST', path: '/storage/v1/object/list-v2/documents' }, { method: 'GET', path: '/storage/v1/object/documents/x.txt' }, { method: 'POST', path: '/storage/v1/object/sign/documents' }, { method: 'POST', path: '/storage/v1/object/move' }],
    functions: [{ method: 'POST', path: '/functions/v1/echo' }, { method: 'GET', path: '/functions/v1/health' }, { method: 'POST', path: '/functions/v1/mail' }],
    realtime: [{ method: 'POST', path: '/realtime/v1/api/broadcast' }, { method: 'GET', path: '/realtime/v1/websocket?vsn=2.0.0' }],
  }

  for (const [name, list] of Object.entries(targets) as Array<[Service, Array<{ method: string, path: string }>]>) {
    const firstWrite = list.find(target => target.method !== 'GET')
    if (firstWrite) add({ service: name, label: 'body: huge', method: firstWrite.method, path: firstWrite.path, headers: { ...service, 'Content-Type': 'application/json' }, body: hugeBody })
    for (const { method, path } of list) {
      for (const [label, token] of Object.entries(await hostileTokens())) add({ service: name, label: `token: ${label}`, method, path, headers: { apikey: testEnv.anonKey, Authorization: token } })
      add({ service: name, label: 'no apikey', method, path, headers: {} })
      add({ service: name, label: 'unknown apikey', method, path, headers: { apikey: 'sb_publishable_not-ours', Authorization: `Bearer ${testEnv.anonKey}` } })
      add({ service: name, label: 'service key alone', method, path, headers: { apikey: testEnv.serviceRoleKey } })
      if (method !== 'GET') {
        for (const [label, body] of Object.entries(bodies)) add({ service: name, label: `body: ${label}`, method, path, headers: { ...service, 'Content-Type': 'application/json' }, body })
        for (const type of contentTypes) add({ service: name, label: `content-type: ${type || 'none'}`, method, path, headers: { ...service, 'Content-Type': type }, body: '{"a":1}' })
      }
      const [pathname = '', query] = path.split('?')
      for (const segment of hostileSegments) add({ service: name, label: `segment ${segment.slice(0, 20)}`, method, path: `${pathname}/${segment}${query ? `?${query}` : ''}`, headers: service })
      add({ service: name, label: 'unicode path', method, path: `${pathname.replace(/\/[^/]*$/, '')}/%EF%BC%8E%EF%BC%8E%2F`, headers: service })
    }
  }

  for (const query of hostileQueries) {
    add({ service: 'rest', label: `query ${query.slice(0, 40)}`, method: 'GET', path: `/rest/v1/contract_projects?${query}` })
    add({ service: 'rest', label: `rpc query ${query.slice(0, 40)}`, method: 'GET', path: `/rest/v1/rpc/contract_all_tags?${query}` })
    add({ service: 'rest', label: `delete ${query.slice(0, 40)}`, method: 'DELETE', path: `/rest/v1/contract_items?${query}&sku=eq.none`, headers: service })
  }
  for (const range of rangeHeaders) add({ service: 'rest', label: `Range: ${range}`, method: 'GET', path: '/rest/v1/contract_projects', headers: { ...anon, Range: range } })
  for (const prefer of preferHeaders) {
    add({ service: 'rest', label: `Prefer: ${prefer.slice(0, 30)}`, method: 'GET', path: '/rest/v1/contract_projects', headers: { ...anon, Prefer: prefer } })
    add({ service: 'rest', label: `Prefer on write: ${prefer.slice(0, 30)}`, method: 'PATCH', path: '/rest/v1/contract_items?sku=eq.none', headers: { ...service, 'Prefer': prefer, 'Content-Type': 'application/json' }, body: '{"label":"x"}' })
  }
  for (const accept of acceptHeaders) {
    add({ service: 'rest', label: `Accept: ${accept}`, method: 'GET', path: '/rest/v1/contract_projects', headers: { ...anon, Accept: accept } })
    add({ service: 'rest', label: `Accept on rpc: ${accept}`, method: 'POST', path: '/rest/v1/rpc/contract_add', headers: { ...anon, 'Accept': accept, 'Content-Type': 'application/json' }, body: '{"a":1,"b":2}' })
  }
  for (const profile of ['storage', 'pg_catalog', 'private', 'public,private', '"']) {
    add({ service: 'rest', label: `Accept-Profile: ${profile}`, method: 'GET', path: '/rest/v1/contract_projects', headers: { ...service, 'Accept-Profile': profile } })
  }
  for (const body of [{ prefix: '', limit: -1, offset: -5 }, { prefix: null, limit: 'x' }, { prefix: 'a\u0000', search: '\u0000' }, { prefix: '../../', sortBy: { column: 'x; drop table' } }, { prefix: '', cursor: '!!!' }]) {
    for (const route of ['list', 'list-v2']) add({ service: 'storage', label: `${route} ${JSON.stringify(body).slice(0, 40)}`, method: 'POST', path: `/storage/v1/object/${route}/documents`, headers: { ...service, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  }
  for (const range of ['bytes=a-b', 'bytes=-0', 'bytes=999999999999-', 'items=0-1']) add({ service: 'storage', label: `object Range ${range}`, method: 'GET', path: '/storage/v1/object/documents/none.txt', headers: { ...service, Range: range } })
  for (const body of [{ email: 'xx:;x@x.x', password: 'x' }, { email: `${'a'.repeat(300)}@x.de` }, { email: 'a@x.de', password: 'p'.repeat(100) }, { phone: '+49\u0000' }, { type: 'email_change', token_hash: '\u0000' }, { refresh_token: '\u0000' }]) {
    for (const path of ['/auth/v1/token?grant_type=password', '/auth/v1/token?grant_type=refresh_token', '/auth/v1/signup', '/auth/v1/recover', '/auth/v1/verify', '/auth/v1/resend', '/auth/v1/magiclink']) {
      add({ service: 'auth', label: `${path} ${JSON.stringify(body).slice(0, 30)}`, method: 'POST', path, headers: { ...anon, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    }
  }
  for (const query of ['page=-1', 'page=abc&per_page=1e9', 'per_page=0', 'page=18446744073709551616', 'filter=%25%00']) add({ service: 'auth', label: `admin users ${query}`, method: 'GET', path: `/auth/v1/admin/users?${query}`, headers: service })
  for (const query of ['type=recovery&token=%00', 'type=bogus&token=x', 'token=x', 'type=signup', 'type=email_change&token=x&redirect_to=javascript:alert(1)']) add({ service: 'auth', label: `verify link ${query}`, method: 'GET', path: `/auth/v1/verify?${query}`, headers: {} })
  for (const query of ['vsn=9.9.9', 'vsn=2.0.0&apikey=garbage', 'apikey=%00', `vsn=1.0.0&apikey=${'x'.repeat(5000)}`]) add({ service: 'realtime', label: `websocket ${query.slice(0, 30)}`, method: 'GET', path: `/realtime/v1/websocket?${query}`, headers: {} })
  return requests
}
