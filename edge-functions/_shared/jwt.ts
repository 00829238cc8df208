// The claims of the caller's access token. Not a verification: the runtime verifies the token
// before the function runs when the function keeps `verify_jwt` (the default); functions with
// verify_jwt = false must treat these claims as a claim, never as proof.
export interface Claims {
  role?: string
  sub?: string
  [claim: string]: unknown
}

export function bearerClaims(req: Request): Claims | null {
  const match = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/.exec(req.headers.get('authorization') ?? '')
  if (!match) return null
  try {
    const base64 = match[2]!.replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), c => c.charCodeAt(0)))) as Claims
  }
  catch {
    return null
  }
}
