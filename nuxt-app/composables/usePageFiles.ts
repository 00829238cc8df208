// Files of a page in the private bucket `page-files` (`<page id>/<file name>`). Reading: short-lived
// signed URLs, issued only for what the caller's Storage RLS lets it read (the page's readers, and
// staff), kept until shortly before they expire so a live preview does not ask on every keystroke.
// Writing (staff): one file at a time with progress; Storage refuses types and sizes the bucket
// does not take, and those refusals are shown by name. Staff list a page's files and delete them
// (Storage RLS: staff only, 20261206112000).
import { errorMessageKey } from '~/utils/error-messages'
import { fileType, formatFileSize, putObject } from '~/utils/files'
import { pageFileName } from '~/utils/page-editor'

const bucket = 'page-files'
const signedSeconds = 600
/** The bucket's own limit (20261204113000_pages_files.sql), told before a long upload is refused. */
export const pageFileMaxBytes = 25 * 1024 * 1024

const signed = new Map<string, { url: string, until: number }>()

export function usePageFileUrls() {
  const supabase = useSupabase()
  /** Signed URLs by file name for those of the page's files the caller may read (others are left out). */
  return async function urlsFor(pageId: string, names: string[]): Promise<Map<string, string>> {
    const now = Date.now()
    const missing = names.filter(name => (signed.get(`${pageId}/${name}`)?.until ?? 0) < now)
    if (missing.length) {
      const storage = await (await supabase()).storage()
      const { data } = await storage.from(bucket).createSignedUrls(missing.map(name => `${pageId}/${name}`), signedSeconds)
      for (const entry of data ?? []) {
        if (entry.signedUrl && entry.path) signed.set(entry.path, { url: entry.signedUrl, until: now + (signedSeconds - 60) * 1000 })
      }
    }
    return new Map(names.flatMap((name) => {
      const entry = signed.get(`${pageId}/${name}`)
      return entry ? [[name, entry.url] as const] : []
    }))
  }
}

export interface PageFileUpload { name: string, progress: number, state: 'uploading' | 'done' | 'refused', reason?: { key: string, params: Record<string, unknown> } }

export function usePageFileUpload(pageId: MaybeRefOrGetter<string | null>) {
  const supabase = useSupabase()
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  const locale = useNuxtApp().$i18n.locale
  const current = ref<PageFileUpload | null>(null)

  function refuse(key: string, name: string): null {
    current.value = { name, progress: 0, state: 'refused', reason: { key, params: { name, limit: formatFileSize(pageFileMaxBytes, locale.value) } } }
    return null
  }

  /** Uploads a file into the page's folder; its stored name, or null when refused (current says why). */
  async function upload(file: File): Promise<string | null> {
    const id = toValue(pageId)
    if (!id) return null
    if (file.size > pageFileMaxBytes) return refuse('pageEditor.files.tooLarge', file.name)
    if (file.size === 0) return refuse('pageEditor.files.empty', file.name)
    const client = await supabase()
    const token = (await client.auth.getSession()).data.session?.access_token ?? ''
    const headers = { 'Authorization': `Bearer ${token}`, 'apikey': supabaseAnonKey, 'Content-Type': fileType(file), 'x-upsert': 'false' }
    // Objects are never overwritten: a name already taken gets a short suffix.
    for (const name of [pageFileName(file.name), pageFileName(file.name).replace(/(\.[^.]+)?$/, `-${crypto.randomUUID().slice(0, 4)}$1`)]) {
      current.value = { name, progress: 0, state: 'uploading' }
      try {
        await putObject(`${supabaseUrl}/storage/v1/object/${bucket}/${id}/${encodeURIComponent(name)}`, headers, file, (progress) => {
          if (current.value) current.value.progress = progress
        })
        current.value = { name, progress: 1, state: 'done' }
        return name
      }
      catch (error) {
        const { code, status } = error as { code?: string, status?: number }
        if (status === 409) continue
        if (code === 'EntityTooLarge' || status === 413) return refuse('pageEditor.files.tooLarge', file.name)
        if (code === 'InvalidMimeType' || status === 415) return refuse('pageEditor.files.type', file.name)
        return refuse(errorMessageKey(error), file.name)
      }
    }
    return refuse('pageEditor.files.taken', file.name)
  }

  return { current, upload }
}

export interface PageFile { name: string, size: number | null }

export function usePageFileList(pageId: MaybeRefOrGetter<string | null>) {
  const supabase = useSupabase()
  const files = ref<PageFile[]>([])
  const busy = ref(false)
  const errorKey = ref<string | null>(null)
  const storage = async () => (await (await supabase()).storage()).from(bucket)

  async function load() {
    const id = toValue(pageId)
    if (!id) return void (files.value = [])
    const { data, error } = await (await storage()).list(id, { limit: 1000, sortBy: { column: 'name', order: 'asc' } })
    if (error) return void (errorKey.value = errorMessageKey(error))
    // Folders come back without an id; a page's folder has none, but Storage would list them.
    files.value = (data ?? []).filter(entry => entry.id).map(entry => ({ name: entry.name, size: (entry.metadata?.size as number | undefined) ?? null }))
  }

  /** Deletes one file of the page; true when Storage removed it (RLS returns nothing it may not delete). */
  async function remove(name: string): Promise<boolean> {
    const id = toValue(pageId)
    if (!id) return false
    busy.value = true
    errorKey.value = null
    const { data, error } = await (await storage()).remove([`${id}/${name}`])
    busy.value = false
    if (error || !data?.length) {
      errorKey.value = error ? errorMessageKey(error) : 'pageEditor.files.notRemoved'
      return false
    }
    signed.delete(`${id}/${name}`)
    files.value = files.value.filter(file => file.name !== name)
    return true
  }

  watch(() => toValue(pageId), () => void load(), { immediate: true })
  return { files, busy, errorKey, load, remove }
}
