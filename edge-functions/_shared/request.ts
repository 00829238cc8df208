// Reading what callers send: a JSON object body, ids in the shape Postgres expects.
export type JsonObject = Record<string, unknown>

/** The body as a JSON object, or null when it is missing, malformed or not an object. */
export async function readJsonObject(req: Request): Promise<JsonObject | null> {
  const body: unknown = await req.json().catch(() => null)
  return body && typeof body === 'object' && !Array.isArray(body) ? body as JsonObject : null
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value)
}
