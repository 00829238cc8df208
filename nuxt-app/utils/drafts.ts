// Texts being written (a ticket reply or note, a message in a thread), kept per tab in
// sessionStorage under one prefix until they are sent, so a reload or a dropped connection loses
// nothing. Never localStorage: the app keeps nothing confidential on the device, and a sign-out
// clears every key under the prefix (clearDrafts, called by the session store).

const draftPrefix = 'portal.draft.'

export interface StoredDraft { body: string, id: string }

/** The draft stored under `key` (e.g. `ticket.<id>.reply`), or a fresh one with a new id for its idempotent send. */
export function readStoredDraft<T extends StoredDraft>(key: string, fresh: () => T): T {
  try {
    const stored = JSON.parse(sessionStorage.getItem(draftPrefix + key) ?? 'null') as T | null
    if (stored && typeof stored.body === 'string' && typeof stored.id === 'string') return { ...fresh(), ...stored }
  }
  catch {
    // an unreadable draft is no draft
  }
  return fresh()
}

/** Keeps the draft, or forgets it once there is nothing left worth keeping. */
export function writeStoredDraft(key: string, draft: StoredDraft, keep: boolean) {
  if (keep) sessionStorage.setItem(draftPrefix + key, JSON.stringify(draft))
  else sessionStorage.removeItem(draftPrefix + key)
}

/** Forgets every draft of this tab (sign-out). */
export function clearDrafts() {
  const keys = Array.from({ length: sessionStorage.length }, (_, index) => sessionStorage.key(index))
  for (const key of keys) if (key?.startsWith(draftPrefix)) sessionStorage.removeItem(key)
}
