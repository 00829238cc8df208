// CORS as the browser SDK needs it (supabase-contract.md §0.2): every request header the clients
// send is allowed, and the headers they read from responses are exposed.
import type { IncomingMessage, ServerResponse } from 'node:http'

export const allowedHeaders = [
  'authorization', 'x-client-info', 'apikey', 'content-type', 'x-retry-count', 'traceparent', 'tracestate',
  'baggage', 'x-supabase-api-version', 'prefer', 'accept-profile', 'content-profile', 'range', 'x-upsert',
  'cache-control', 'x-metadata', 'content-encoding', 'accept', 'x-region', 'content-length', 'tus-resumable',
  'upload-length', 'upload-metadata', 'upload-offset', 'x-source',
].join(', ')

export const exposedHeaders = [
  'content-range', 'x-total-count', 'link', 'x-supabase-api-version', 'content-location', 'location',
  'preference-applied', 'x-sb-error-code', 'content-disposition', 'etag', 'range-unit',
].join(', ')

export const allowedMethods = 'GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS'

export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*')
  res.setHeader('Vary', 'Origin')
  res.setHeader('Access-Control-Expose-Headers', exposedHeaders)
}

/** Answers a preflight; returns true when the request was one. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false
  applyCors(req, res)
  res.writeHead(200, {
    'Access-Control-Allow-Methods': allowedMethods,
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? allowedHeaders,
    'Access-Control-Max-Age': '3600',
    'Content-Length': '0',
  })
  res.end()
  return true
}
