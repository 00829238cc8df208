-- Deleting and restoring a document follow reading it (issue 12).
--
-- delete_document and restore_document let any staff member act on any document row: fine while
-- staff read every document, wrong since a conversation's files are readable only by its
-- participants (20261204104000). A staff member outside a thread could withdraw its files or
-- bring a withdrawn one back. Both now find a document only if the caller may see its row:
-- conversation files only for whoever sees the conversation, other files as before (staff every
-- row, others what they read, the one who deleted it for its undo). Deleted rows count as seen
-- by the same people, so "deleting twice" still answers document_deleted, not document_not_found.

create function private.user_can_manage_document(user_id uuid, doc public.documents)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when doc.conversation_id is not null
      then private.user_can_see_entity(user_can_manage_document.user_id, 'conversation', doc.conversation_id)
    else private.user_is_staff(user_can_manage_document.user_id)
         or private.user_can_read_document(user_can_manage_document.user_id, doc.id)
         or coalesce(doc.deleted_by = user_can_manage_document.user_id, false)
  end
$$;
comment on function private.user_can_manage_document(uuid, public.documents) is
  'Whether delete_document / restore_document find the row for the user: conversation files only for those who see the conversation; otherwise staff, readers and the one who deleted it.';
revoke all on function private.user_can_manage_document(uuid, public.documents) from public;

create or replace function public.delete_document(document_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  doc public.documents%rowtype;
begin
  select * into doc from public.documents as d where d.id = delete_document.document_id for update;
  if not found or not private.user_can_manage_document(uid, doc) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  if doc.deleted_at is not null then
    raise exception using errcode = 'P0001', message = 'document_deleted';
  end if;
  if not (private.user_is_staff(uid) or doc.uploaded_by = uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff and the uploader delete a document.';
  end if;
  update public.documents as d set deleted_at = now(), deleted_by = uid where d.id = doc.id;
  delete from private.download_grants as g where g.document_id = doc.id;
  perform private.audit('document.deleted', 'document', doc.id::text, jsonb_build_object('matter_id', doc.matter_id));
end;
$$;
comment on function public.delete_document(uuid) is
  'Soft-deletes a document (staff, or the uploader; a conversation''s file only by its participants). The object is purged later by the service role. Errors: not_authenticated, mfa_required, document_not_found, document_deleted, forbidden.';

create or replace function public.restore_document(document_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  doc public.documents%rowtype;
begin
  select * into doc from public.documents as d where d.id = restore_document.document_id for update;
  -- Not deleted (deleted_by null): found for those who see it, answered document_not_deleted below.
  if not found or not (private.user_is_staff(uid) or doc.deleted_by is null or doc.deleted_by = uid)
     or not private.user_can_manage_document(uid, doc) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  if doc.deleted_at is null then
    raise exception using errcode = 'P0001', message = 'document_not_deleted';
  end if;
  if doc.content_check = 'failed' then
    raise exception using errcode = 'P0001', message = 'document_rejected', detail = doc.content_check_reason;
  end if;
  if not private.user_is_staff(uid) and (doc.deleted_at < now() - interval '10 minutes'
                                          or not private.user_can_access_matter(uid, doc.matter_id)) then
    raise exception using errcode = 'P0001', message = 'undo_expired', hint = 'Ask the firm to restore it.';
  end if;
  update public.documents as d set deleted_at = null, deleted_by = null where d.id = doc.id;
  perform private.audit('document.restored', 'document', doc.id::text, jsonb_build_object('matter_id', doc.matter_id));
end;
$$;
comment on function public.restore_document(uuid) is
  'Undoes a deletion: whoever deleted it within 10 minutes, staff at any time (a conversation''s file only its participants). Errors: not_authenticated, session_required, mfa_required, document_not_found, document_not_deleted, document_rejected, undo_expired.';
