// The staff editor of one page (/seiten/neu, /seiten/<slug>/bearbeiten): the page as get_page
// gives it to staff (every audience, its appointments), saved through save_page under the id the
// app chose (a retried save saves the same page), published and archived through their RPCs. The
// form keeps what was typed when the database refuses it; the database decides who may do this.
import { errorMessageKey } from '~/utils/error-messages'
import { audienceArguments } from '~/utils/page-editor'
import type { PageAudience, PageDetail } from '~/utils/pages'

export interface PageForm { id: string, title: string, body: string, pinned: boolean, audiences: PageAudience[] }

const sameAudiences = (left: PageAudience[], right: PageAudience[]) =>
  left.length === right.length && left.every(audience => right.some(other => other.kind === audience.kind && other.id === audience.id))

export function usePageEditor(slug: MaybeRefOrGetter<string | null>) {
  const supabase = useSupabase()
  const { busy, errorKey, call } = useRpc()
  const page = ref<PageDetail | null>(null)
  const form = reactive<PageForm>({ id: crypto.randomUUID(), title: '', body: '', pinned: false, audiences: [] })
  const status = ref<'loading' | 'ready' | 'error'>(toValue(slug) ? 'loading' : 'ready')
  const loadErrorKey = ref<string | null>(null)
  /** The last action that went through (for its confirmation), cleared by the next one. */
  const done = ref<'saved' | 'published' | 'unpublished' | 'archived' | 'restored' | null>(null)

  function fill(detail: PageDetail) {
    page.value = detail
    Object.assign(form, { id: detail.id, title: detail.title, body: detail.body, pinned: detail.pinned, audiences: detail.audiences })
  }

  async function load(wanted = toValue(slug)) {
    if (!wanted) return
    const { data, error } = await (await supabase()).rpc('get_page', { slug: wanted })
    if (error) {
      loadErrorKey.value = errorMessageKey(error)
      status.value = 'error'
      return
    }
    fill(data as PageDetail)
    status.value = 'ready'
  }

  const dirty = computed(() => !page.value || form.title !== page.value.title || form.body !== page.value.body
    || form.pinned !== page.value.pinned || !sameAudiences(form.audiences, page.value.audiences))

  /** Saves title, text, pin and audiences; the saved page's slug, or undefined when refused. */
  async function save(): Promise<string | undefined> {
    done.value = null
    const saved = await call<{ slug: string }>('save_page', {
      page_id: form.id, title: form.title, body: form.body, pinned: form.pinned, ...audienceArguments(form.audiences),
    })
    if (!saved) return undefined
    await load(saved.slug)
    done.value = 'saved'
    return saved.slug
  }

  /** Publishing saves pending changes first, so what goes out is what the form shows. */
  async function setPublished(published: boolean) {
    if (!page.value || (published && dirty.value && !(await save()))) return
    done.value = null
    if (await call('set_page_published', { page_id: page.value.id, published })) {
      await load(page.value.slug)
      done.value = published ? 'published' : 'unpublished'
    }
  }

  async function setArchived(archived: boolean) {
    if (!page.value) return
    done.value = null
    if (await call('set_page_archived', { page_id: page.value.id, archived })) {
      await load(page.value.slug)
      done.value = archived ? 'archived' : 'restored'
    }
  }

  const state = computed<'new' | 'draft' | 'published' | 'archived'>(() =>
    !page.value ? 'new' : page.value.archived_at ? 'archived' : page.value.published ? 'published' : 'draft')

  if (toValue(slug)) void load()
  return { page, form, status, loadErrorKey, busy, errorKey, done, dirty, state, load, save, setPublished, setArchived }
}
