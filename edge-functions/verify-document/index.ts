// POST /functions/v1/verify-document — checks finished uploads (see verify.ts).
import { serviceClient } from '../_shared/clients.ts'
import { verifyDocuments } from './verify.ts'

const env = (name: string) => Deno.env.get(name) ?? ''

Deno.serve(req => verifyDocuments(req, {
  async pending(documentIds) {
    const { data, error } = await serviceClient().rpc('pending_document_checks', { max_count: 20, document_ids: documentIds })
    if (error) throw new Error(`pending_document_checks: ${error.message}`)
    return data
  },
  // A plain streaming GET: storage-js's download would buffer the whole file.
  async open(bucket, path) {
    const url = `${env('SUPABASE_URL')}/storage/v1/object/authenticated/${bucket}/${path.split('/').map(encodeURIComponent).join('/')}`
    const key = env('SUPABASE_SERVICE_ROLE_KEY')
    const response = await fetch(url, { headers: { Authorization: `Bearer ${key}`, apikey: key } })
    if (response.status === 400 || response.status === 404) {
      await response.body?.cancel()
      return null
    }
    if (!response.ok || !response.body) throw new Error(`Storage answered ${response.status} for ${bucket}/${path}`)
    return response.body
  },
  async record(documentId, sha256, detectedType) {
    const { data, error } = await serviceClient().rpc('record_document_check', { document_id: documentId, sha256, detected_type: detectedType })
    if (error) throw new Error(`record_document_check: ${error.message}`)
    return data as string
  },
}))
