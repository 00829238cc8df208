// Requests for the functions' Deno tests: a bearer token with the given claims (the runtime has
// verified the real one before a function runs, so tests need no signature) and a JSON body.
export function bearerFor(claims: Record<string, unknown>): string {
  return `Bearer e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.signature`
}

export function postJson(url: string, claims: Record<string, unknown>, body: unknown): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'Authorization': bearerFor(claims), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
