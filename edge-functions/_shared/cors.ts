// CORS for functions called from the portal in the browser: the SDK's request headers are
// allowed; credentials travel as bearer tokens, never cookies, so any origin may call.
export const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type, x-region',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
}

/** The answer to a CORS preflight, or null when the request is not one. */
export function preflight(req: Request): Response | null {
  return req.method === 'OPTIONS' ? new Response('ok', { headers: corsHeaders }) : null
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: corsHeaders })
}
