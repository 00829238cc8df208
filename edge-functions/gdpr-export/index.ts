// POST /functions/v1/gdpr-export — an admin's GDPR export of one person as a ZIP (see gdpr-export.ts).
import { callerRpc } from '../_shared/clients.ts'
import { gdprExport } from './gdpr-export.ts'

const storageUrl = `${Deno.env.get('SUPABASE_URL')}/storage/v1/object/authenticated`

Deno.serve(req => gdprExport(req, {
  rpc: callerRpc(req),
  async openObject(bucket, path) {
    const key = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY') ?? ''
    const objectPath = path.split('/').map(encodeURIComponent).join('/')
    const response = await fetch(`${storageUrl}/${bucket}/${objectPath}`, {
      headers: { Authorization: `Bearer ${key}`, apikey: key },
    })
    if (response.status === 400 || response.status === 404) {
      await response.body?.cancel()
      return null
    }
    if (!response.ok || !response.body) throw new Error(`Storage answered ${response.status} for ${bucket}/${path}`)
    return response.body
  },
}))
