-- A conversation's files stay in their conversation (issue 12).
--
-- Conversation attachments are rows of public.documents (conversation_id set, matter_id null),
-- readable only by the conversation's participants (20261204104000); deleting and restoring
-- already follow that (20261205110000). A check of every other document RPC found three that
-- still let any staff member act on any row, so a staff member outside a thread could:
--
-- * release_document(id): set released_at on a thread's file and get the whole row back (name,
--   storage path, checksum, conversation and message ids) — reading it without taking part;
-- * release_documents(ids): the same write, and its refusals named the file (`detail`);
-- * document_downloads(id): read who of the thread downloaded its file, and when.
-- * (mark_document_seen(id) could also stamp a thread's file as seen, without reading anything.)
--
-- Now release finds only matter documents (releasing is "show it to the matter's client users
-- and guests"; a conversation's or ticket's file has no such audience), and the others find a
-- conversation's file only for those who see the conversation (private.user_can_manage_document,
-- the rule delete and restore use). Everyone else gets document_not_found, as for reading.
--
-- What needed no change, proven in supabase/tests/documents/conversation_files_stay_in_their_conversation:
-- list_documents and document_folders list only rows of a matter (a thread's file has no
-- matter_id, even when the thread belongs to a matter); file_documents files only matter
-- documents; document_versions and document_download_url ask user_can_read_document; no RPC sets
-- matter_id, ticket_id or conversation_id of an attached row (attach_uploads takes only the
-- caller's own unattached uploads), so a matter document cannot be carried into a thread either.

create or replace function public.release_document(document_id uuid)
returns public.documents
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  doc public.documents%rowtype;
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff release documents.';
  end if;
  select * into doc from public.documents as d where d.id = release_document.document_id for update;
  if not found or doc.matter_id is null or not private.user_can_manage_document(uid, doc) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  elsif doc.deleted_at is not null then
    raise exception using errcode = 'P0001', message = 'document_deleted';
  elsif doc.uploaded_at is null then
    raise exception using errcode = 'P0001', message = 'document_not_uploaded';
  elsif doc.released_at is not null then
    raise exception using errcode = 'P0001', message = 'document_already_released';
  end if;
  update public.documents as d set released_at = now(), released_by = uid where d.id = doc.id returning * into doc;
  perform private.audit('document.released', 'document', doc.id::text, jsonb_build_object('matter_id', doc.matter_id));
  return doc;
end;
$$;
comment on function public.release_document(uuid) is
  'Staff: releases one matter document to the matter''s client users and guests. Errors: not_authenticated, session_required, mfa_required, forbidden, document_not_found (also for files of conversations and tickets), document_deleted, document_not_uploaded, document_already_released, document_not_checked.';

create or replace function public.release_documents(document_ids uuid[], note text default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  clean_note text := nullif(btrim(coalesce(note, '')), '');
  doc public.documents%rowtype;
  released integer := 0;
begin
  perform private.require_staff(uid);
  if document_ids is null or cardinality(document_ids) not between 1 and 500 then
    raise exception using errcode = 'P0001', message = 'invalid_selection', detail = 'Between 1 and 500 documents.';
  end if;
  if char_length(coalesce(clean_note, '')) > 2000 then
    raise exception using errcode = 'P0001', message = 'note_too_long', detail = 'At most 2000 characters.';
  end if;
  -- Before anything is locked or named: every id must be a matter document the caller may act on.
  if (select count(*) from public.documents as d
       where d.id = any (document_ids) and d.matter_id is not null and private.user_can_manage_document(uid, d))
     <> cardinality(array(select distinct unnest(document_ids))) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  for doc in
    select * from public.documents as d where d.id = any (document_ids) order by d.created_at for update
  loop
    if doc.deleted_at is not null then
      raise exception using errcode = 'P0001', message = 'document_deleted', detail = doc.name;
    elsif doc.uploaded_at is null then
      raise exception using errcode = 'P0001', message = 'document_not_uploaded', detail = doc.name;
    elsif not private.document_is_checked(doc.content_check) then
      raise exception using errcode = 'P0001', message = 'document_not_checked', detail = doc.name;
    elsif doc.released_at is null then
      update public.documents as d set released_at = now(), released_by = uid, release_note = clean_note where d.id = doc.id;
      perform private.audit('document.released', 'document', doc.id::text,
        jsonb_strip_nulls(jsonb_build_object('matter_id', doc.matter_id, 'note', clean_note)));
      released := released + 1;
    end if;
  end loop;
  return released;
end;
$$;
comment on function public.release_documents(uuid[], text) is
  'Staff: releases matter documents to the matter''s client users and guests (already released ones are left as they are, so a retry is harmless), with an optional note; returns how many were released now. Errors: not_authenticated, session_required, mfa_required, forbidden, invalid_selection, note_too_long, document_not_found (also for files of conversations and tickets), document_deleted, document_not_uploaded, document_not_checked.';

create or replace function public.document_downloads(document_id uuid)
returns table (version integer, document_version_id uuid, user_id uuid, display_name text, downloaded_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  doc public.documents%rowtype;
begin
  perform private.require_staff(uid);
  select * into doc from public.documents as d where d.id = document_downloads.document_id;
  if not found or not private.user_can_manage_document(uid, doc) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  return query
    with recursive chain as (
      select d.id, d.version, d.previous_version_id from public.documents as d where d.id = document_downloads.document_id
      union all
      select p.id, p.version, p.previous_version_id from public.documents as p join chain as c on p.id = c.previous_version_id
    )
    select c.version, c.id, e.actor_id, pr.display_name, e.occurred_at
      from chain as c
      join ops.audit_events as e on e.entity_type = 'document' and e.entity_id = c.id::text and e.action = 'document.downloaded'
      left join public.profiles as pr on pr.id = e.actor_id
     order by e.occurred_at desc;
end;
$$;
comment on function public.document_downloads(uuid) is
  'Staff: who downloaded or previewed which version of a document when (from the audit log), newest first; a conversation''s file only for staff who see the conversation. Errors: not_authenticated, session_required, mfa_required, forbidden, document_not_found.';

create or replace function public.mark_document_seen(document_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  perform private.require_staff(uid);
  update public.documents as d set staff_seen_at = now(), staff_seen_by = uid
   where d.id = mark_document_seen.document_id and d.staff_seen_at is null
     and private.user_can_manage_document(uid, d);
end;
$$;
comment on function public.mark_document_seen(uuid) is
  'Staff: a client''s upload is no longer new for the firm (a conversation''s file only for staff who see the conversation). Errors: not_authenticated, session_required, mfa_required, forbidden.';
