// Signed URLs: HS256 JWTs signed with the project's JWT secret, carrying the `bucket/name` they
// are good for (storage-api signObjectUrl / signUploadObjectUrl). The `scope` claim keeps an upload
// token from being used as a download token and the other way round.
import { jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { ERRORS } from './errors.ts'

export type TokenScope = 'download' | 'upload'

export interface UrlTokenPayload extends JWTPayload {
  url: string
  scope?: TokenScope
  owner?: string
  upsert?: boolean
}

export class UrlSigner {
  private readonly secret: Uint8Array

  constructor(jwtSecret: string) {
    this.secret = new TextEncoder().encode(jwtSecret)
  }

  async sign(payload: { url: string, scope: TokenScope, owner?: string, upsert?: boolean }, expiresInSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ ...payload })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + expiresInSeconds)
      .sign(this.secret)
  }

  /** Checks signature, expiry, scope and that the token names exactly this object. */
  async verify(token: string, url: string, scope: TokenScope): Promise<UrlTokenPayload> {
    let payload: UrlTokenPayload
    try {
      payload = (await jwtVerify<UrlTokenPayload>(token, this.secret, { algorithms: ['HS256'] })).payload
    }
    catch (error) {
      throw ERRORS.invalidJwt(jwtErrorMessage(error))
    }
    if (payload.url !== url || (payload.scope !== undefined && payload.scope !== scope)) throw ERRORS.invalidSignature()
    return payload
  }
}

/** storage-api v1.60 verifies with jose and passes its message on (internal/auth/jwt.ts verifyJWT). */
export function jwtErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Invalid JWT'
}
