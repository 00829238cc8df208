// Access-token signing and verification as GoTrue, PostgREST, Storage and Realtime do it: HS256
// with the project's JWT secret, or RS256/ES256 keys with a `kid` when `auth.signing_keys_path`
// is configured (the JWKS is then served at /auth/v1/.well-known/jwks.json).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createLocalJWKSet, decodeProtectedHeader, errors, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose'
import { type DevstackConfig, tomlValue } from '../config.ts'

export interface JwtKeys {
  /** Signs with the first asymmetric key if configured, otherwise HS256 with the secret. */
  sign: (payload: JWTPayload, expiresInSeconds: number) => Promise<string>
  /** Signs the claims exactly as given, `iat` and `exp` included (a custom access token hook's output). */
  signClaims: (claims: JWTPayload) => Promise<string>
  /** Verifies signature and expiry; throws on any failure. */
  verify: (token: string) => Promise<JWTPayload>
  /** Public keys only, as GoTrue publishes them. */
  jwks: { keys: JWK[] }
}

export async function loadJwtKeys(config: DevstackConfig): Promise<JwtKeys> {
  const secret = new TextEncoder().encode(config.jwtSecret)
  const keysPath = tomlValue(config.toml, 'auth.signing_keys_path', '')
  const privateJwks: JWK[] = keysPath ? JSON.parse(readFileSync(resolve(config.root, 'supabase', keysPath), 'utf8')) as JWK[] : []
  // Key files made by `supabase gen signing-key` carry key_ops ["sign","verify"]; a public key only verifies.
  const publicJwks = privateJwks.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: keyOps, ...publicPart }) =>
    (keyOps ? { ...publicPart, key_ops: ['verify'] } : publicPart))
  const signingJwk = privateJwks[0]
  const signingKey = signingJwk ? await importJWK({ ...signingJwk, key_ops: signingJwk.key_ops && ['sign'] }, signingJwk.alg) as CryptoKey : null
  const localJwks = publicJwks.length ? createLocalJWKSet({ keys: publicJwks }) : null

  const signClaims = (claims: JWTPayload) => {
    const jwt = new SignJWT(claims)
    if (signingJwk && signingKey) {
      return jwt.setProtectedHeader({ alg: signingJwk.alg!, kid: signingJwk.kid!, typ: 'JWT' }).sign(signingKey)
    }
    return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret)
  }

  return {
    sign(payload, expiresInSeconds) {
      const now = Math.floor(Date.now() / 1000)
      return signClaims({ ...payload, iat: now, exp: now + expiresInSeconds })
    },
    signClaims,
    async verify(token) {
      let header: { alg?: string }
      try {
        header = decodeProtectedHeader(token)
      }
      catch {
        // Never the parser's own message: it may quote the garbage it was given.
        throw new errors.JWSInvalid('Invalid Compact JWS')
      }
      if (header.alg === 'HS256') return (await jwtVerify(token, secret, { algorithms: ['HS256'] })).payload
      if (!localJwks) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed')
      return (await jwtVerify(token, localJwks, { algorithms: ['RS256', 'ES256'] })).payload
    },
    jwks: { keys: publicJwks },
  }
}
