-- Attachments on tickets and their replies, through the documents machinery of 20261127080000
-- (same bucket, same upload and download RPCs, same audit), so later features (messages, the
-- documents section) attach files the same way.
--
-- Flow: create_document_upload(matter_id => null, …) prepares an *attachment upload*: a documents
-- row that belongs to nobody but its uploader, path `attachments/<document id>/<file name>` →
-- the client uploads to that path (with progress) → complete_document_upload(id) → the RPC that
-- sends the text (open_ticket, reply_to_ticket) names the uploads in `attachment_ids` and
-- private.attach_ticket_documents hands them to the ticket and reply in the same transaction, which
-- also releases them to everyone who may read the ticket. So a file is never visible before its
-- reply, a refused file is refused before anything was sent, and a retried send attaches nothing
-- twice. Uploads never attached are soft-deleted after a day (pg_cron).
--
-- Limits come from ops.upload_limits (per purpose: matter documents, attachments), readable through
-- upload_limits(): size per file, files per reply, and the bucket's types. At most 50 unattached
-- uploads per person and day, so drafts cannot fill the disk.
--
-- Who may read an attachment: staff, and whoever may read its ticket (private.user_can_see_ticket):
-- the same rule on public.documents and, through it, on storage.objects; downloads stay audited by
-- document_download_url.

create table ops.upload_limits (
  purpose   text primary key check (purpose in ('matter', 'attachment')),
  max_bytes bigint not null check (max_bytes between 1 and 200 * 1024 * 1024),
  max_files integer check (max_files >= 1)
);
comment on table ops.upload_limits is
  'Upload limits per purpose (matter documents, attachments): bytes per file and files per reply. Types: the documents bucket''s list.';
alter table ops.upload_limits enable row level security;
revoke all on ops.upload_limits from public, anon, authenticated, service_role;
grant select on ops.upload_limits to service_role;
insert into ops.upload_limits (purpose, max_bytes, max_files) values
  ('matter', 200 * 1024 * 1024, null),
  ('attachment', 25 * 1024 * 1024, 10);

alter table public.documents alter column matter_id drop not null;
alter table public.documents
  add column ticket_id uuid references public.tickets (id) on delete restrict,
  add column ticket_reply_id uuid references public.ticket_replies (id) on delete restrict,
  add constraint documents_one_home check (matter_id is null or ticket_id is null),
  add constraint documents_reply_needs_its_ticket check (ticket_reply_id is null or ticket_id is not null);
comment on column public.documents.ticket_id is 'Set when the document is a ticket attachment (then matter_id is null). Neither set: an upload not yet attached.';
create index documents_ticket_id_idx on public.documents (ticket_id);
create index documents_ticket_reply_id_idx on public.documents (ticket_reply_id);
create index documents_unattached_idx on public.documents (uploaded_by, created_at)
  where matter_id is null and ticket_id is null and deleted_at is null;

-- The path cannot depend on where an attachment ends up (the object exists before the reply), so
-- attachments live under `attachments/`; matter documents keep `<matter id>/…` (values unchanged).
alter table public.documents drop column storage_path;
alter table public.documents add column storage_path text generated always as
  (coalesce(matter_id::text, 'attachments') || '/' || id::text || '/' || private.storage_file_name(name)) stored;
alter table public.documents add constraint documents_storage_path_unique unique (storage_path);

-- ---------------------------------------------------------------------------------------------
-- Who may read and upload (replacing 20261127080000's helpers, same signatures)
-- ---------------------------------------------------------------------------------------------

create or replace function private.user_can_read_document(user_id uuid, document_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.documents as d
     where d.id = user_can_read_document.document_id
       and d.deleted_at is null
       and (private.user_is_staff(user_can_read_document.user_id)
            or (d.matter_id is not null
                and private.user_can_access_matter(user_can_read_document.user_id, d.matter_id)
                and (d.released_at is not null or d.uploaded_by = user_can_read_document.user_id))
            or (d.ticket_id is not null and private.user_can_see_ticket(user_can_read_document.user_id, d.ticket_id))
            or (d.matter_id is null and d.ticket_id is null and d.uploaded_by = user_can_read_document.user_id))
  )
$$;

create or replace function private.my_document_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select d.id from public.documents as d
   where d.matter_id in (select private.my_matter_ids())
     and d.deleted_at is null
     and (d.released_at is not null or d.uploaded_by = auth.uid())
  union all
  select d.id from public.documents as d
   where d.ticket_id in (select private.my_ticket_ids()) and d.deleted_at is null
  union all
  select d.id from public.documents as d
   where d.uploaded_by = auth.uid() and d.matter_id is null and d.ticket_id is null and d.deleted_at is null
$$;
comment on function private.my_document_ids() is
  'Released, undeleted documents of the caller''s matters and its own uploads, attachments of its tickets, its unattached uploads (staff: use private.is_staff()).';

create or replace function private.can_upload_document_object(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.documents as d
     where d.storage_path = can_upload_document_object.object_name
       and d.uploaded_by = auth.uid()
       and d.uploaded_at is null
       and d.deleted_at is null
       and d.created_at > now() - interval '1 day'
       and ((d.matter_id is null and d.ticket_id is null)
            or private.user_can_access_matter(auth.uid(), d.matter_id))
  )
$$;

-- A ticket attachment is released with its reply, which notifies through the ticket itself.
create or replace function private.notify_document_released()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matter public.matters%rowtype;
begin
  if old.released_at is null and new.released_at is not null and new.matter_id is not null then
    select * into matter from public.matters as m where m.id = new.matter_id;
    perform private.notify(
      array(select u from (
              select cm.user_id as u from public.client_members as cm where cm.client_id = matter.client_id
              union select mm.user_id from public.matter_members as mm where mm.matter_id = matter.id
            ) as candidates
            where private.user_can_read_document(u, new.id)),
      'document.released', new.name, 'document', new.id, matter.client_id, matter.id,
      jsonb_build_object('matter_title', matter.title));
  end if;
  return null;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Limits
-- ---------------------------------------------------------------------------------------------

create function public.upload_limits()
returns table (purpose text, max_bytes bigint, max_files integer, mime_types text[])
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_access();
  return query
    select l.purpose, l.max_bytes, l.max_files, private.allowed_document_mime_types()
      from ops.upload_limits as l
     order by l.purpose;
end;
$$;
comment on function public.upload_limits() is
  'What an upload may be, per purpose (matter, attachment): bytes per file, files per reply, MIME types. The app checks files against it before uploading; create_document_upload checks again. Errors: not_authenticated, session_required, mfa_required.';

-- ---------------------------------------------------------------------------------------------
-- Upload RPCs (same signatures as 20261127080000; matter_id null prepares an attachment)
-- ---------------------------------------------------------------------------------------------

create or replace function public.create_document_upload(
  matter_id uuid,
  file_name text,
  size_bytes bigint,
  mime_type text,
  sha256 text,
  previous_version_id uuid default null
)
returns table (document_id uuid, bucket text, path text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  upload_purpose text := case when create_document_upload.matter_id is null then 'attachment' else 'matter' end;
  byte_limit bigint := (select l.max_bytes from ops.upload_limits as l where l.purpose = upload_purpose);
  previous public.documents%rowtype;
  created public.documents%rowtype;
begin
  if upload_purpose = 'matter' and not private.user_can_access_matter(uid, create_document_upload.matter_id) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  if file_name is null or char_length(file_name) not between 1 and 255
     or file_name ~ '[/\\[:cntrl:]]' or file_name in ('.', '..') then
    raise exception using errcode = 'P0001', message = 'invalid_file_name';
  end if;
  if size_bytes is null or size_bytes < 0 then
    raise exception using errcode = 'P0001', message = 'invalid_size';
  end if;
  if size_bytes > byte_limit then
    raise exception using errcode = 'P0001', message = 'document_too_large', detail = format('At most %s bytes.', byte_limit);
  end if;
  if mime_type is null or not (lower(mime_type) = any (private.allowed_document_mime_types())) then
    raise exception using errcode = 'P0001', message = 'document_type_not_allowed';
  end if;
  if sha256 is null or lower(sha256) !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'P0001', message = 'invalid_checksum', detail = 'SHA-256 as 64 hex digits.';
  end if;

  if upload_purpose = 'attachment' then
    if create_document_upload.previous_version_id is not null then
      raise exception using errcode = 'P0001', message = 'invalid_previous_version', detail = 'Attachments have no versions.';
    end if;
    if (select count(*) from public.documents as d
         where d.uploaded_by = uid and d.matter_id is null and d.ticket_id is null and d.deleted_at is null
           and d.created_at > now() - interval '1 day') >= 50 then
      raise exception using errcode = 'P0001', message = 'too_many_pending_uploads',
        detail = 'At most 50 unattached uploads a day; send or remove some first.';
    end if;
  elsif create_document_upload.previous_version_id is not null then
    select * into previous from public.documents as d where d.id = create_document_upload.previous_version_id;
    if not found or previous.matter_id is distinct from create_document_upload.matter_id
       or not private.user_can_read_document(uid, previous.id) then
      raise exception using errcode = 'P0001', message = 'invalid_previous_version';
    end if;
    if exists (select 1 from public.documents as d where d.previous_version_id = previous.id) then
      raise exception using errcode = 'P0001', message = 'version_conflict',
        detail = 'This version already has a successor.';
    end if;
  end if;

  insert into public.documents (matter_id, name, size_bytes, mime_type, sha256, uploaded_by, previous_version_id, version)
  values (create_document_upload.matter_id, file_name, size_bytes, lower(mime_type), lower(sha256), uid,
          previous.id, coalesce(previous.version + 1, 1))
  returning * into created;

  return query select created.id, 'documents'::text, created.storage_path;
end;
$$;
comment on function public.create_document_upload(uuid, text, bigint, text, text, uuid) is
  'Prepares an upload into a matter, or with matter_id null an attachment upload (attached later by the RPC that sends it), and returns the Storage path to upload to. Limits: upload_limits(). Errors: not_authenticated, session_required, mfa_required, matter_not_found, invalid_file_name, invalid_size, document_too_large, document_type_not_allowed, invalid_checksum, invalid_previous_version, version_conflict, too_many_pending_uploads.';

create or replace function public.complete_document_upload(document_id uuid)
returns public.documents
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  doc public.documents%rowtype;
  stored_size bigint;
begin
  select * into doc from public.documents as d
   where d.id = complete_document_upload.document_id and d.uploaded_by = uid and d.deleted_at is null
   for update;
  if not found or (doc.matter_id is not null and not private.user_can_access_matter(uid, doc.matter_id)) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  if doc.uploaded_at is not null then
    raise exception using errcode = 'P0001', message = 'document_already_uploaded';
  end if;
  select (o.metadata ->> 'size')::bigint into stored_size
    from storage.objects as o where o.bucket_id = 'documents' and o.name = doc.storage_path;
  if not found then
    raise exception using errcode = 'P0001', message = 'document_object_missing',
      detail = 'Upload the file to the returned path first.';
  end if;

  -- Matter uploads of clients and guests are released at once, staff uploads at release_document,
  -- attachments when the reply that carries them is sent.
  update public.documents as d
     set uploaded_at = now(),
         size_bytes = coalesce(stored_size, d.size_bytes),
         released_at = case when private.user_is_staff(uid) or d.matter_id is null then null else now() end,
         released_by = case when private.user_is_staff(uid) or d.matter_id is null then null else uid end
   where d.id = doc.id
  returning * into doc;
  perform private.audit('document.uploaded', 'document', doc.id::text,
    jsonb_build_object('matter_id', doc.matter_id, 'name', doc.name, 'sha256', doc.sha256, 'size_bytes', doc.size_bytes));
  return doc;
end;
$$;

create or replace function public.document_download_url(document_id uuid)
returns table (bucket text, path text, file_name text, mime_type text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  doc public.documents%rowtype;
  grant_expires_at timestamptz := now() + interval '2 minutes';
begin
  select * into doc from public.documents as d where d.id = document_download_url.document_id;
  if not found or not private.user_can_read_document(uid, doc.id) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  if doc.uploaded_at is null then
    raise exception using errcode = 'P0001', message = 'document_not_uploaded';
  end if;
  insert into private.download_grants (user_id, document_id, expires_at) values (uid, doc.id, grant_expires_at);
  perform private.audit('document.downloaded', 'document', doc.id::text,
    jsonb_strip_nulls(jsonb_build_object('matter_id', doc.matter_id, 'ticket_id', doc.ticket_id, 'name', doc.name, 'sha256', doc.sha256)));
  return query select 'documents'::text, doc.storage_path, doc.name, doc.mime_type, grant_expires_at;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Attaching (called by open_ticket and reply_to_ticket as the sender)
-- ---------------------------------------------------------------------------------------------

create function private.attach_ticket_documents(ticket_id uuid, reply_id uuid, document_ids uuid[])
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  wanted uuid[] := array(select distinct unnest(coalesce(document_ids, '{}')));
  file_limit integer := (select l.max_files from ops.upload_limits as l where l.purpose = 'attachment');
  attached record;
begin
  if cardinality(wanted) = 0 then
    return;
  end if;
  if cardinality(wanted) > file_limit then
    raise exception using errcode = 'P0001', message = 'too_many_attachments', detail = format('At most %s files per reply.', file_limit);
  end if;
  if exists (select 1 from unnest(wanted) as w(id)
              where not exists (select 1 from public.documents as d
                                 where d.id = w.id and d.uploaded_by = uid and d.matter_id is null
                                   and d.ticket_id is null and d.deleted_at is null)) then
    raise exception using errcode = 'P0001', message = 'attachment_not_found',
      detail = 'Attach only your own uploads that are not attached yet.';
  end if;
  if exists (select 1 from public.documents as d where d.id = any (wanted) and d.uploaded_at is null) then
    raise exception using errcode = 'P0001', message = 'attachment_not_uploaded', detail = 'Complete the upload first.';
  end if;
  for attached in
    update public.documents as d
       set ticket_id = attach_ticket_documents.ticket_id, ticket_reply_id = attach_ticket_documents.reply_id,
           released_at = now(), released_by = uid
     where d.id = any (wanted)
    returning d.id, d.name
  loop
    perform private.audit('document.attached', 'document', attached.id::text,
      jsonb_build_object('ticket_id', attach_ticket_documents.ticket_id, 'reply_id', attach_ticket_documents.reply_id, 'name', attached.name));
  end loop;
end;
$$;
comment on function private.attach_ticket_documents(uuid, uuid, uuid[]) is
  'Hands the caller''s completed, unattached uploads to a ticket reply and releases them to its readers (audited). Errors: too_many_attachments, attachment_not_found, attachment_not_uploaded.';

-- Uploads prepared but never sent go after a day (objects are purged with other deleted documents).
create function private.discard_abandoned_uploads()
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.documents as d
     set deleted_at = now()
   where d.matter_id is null and d.ticket_id is null and d.deleted_at is null
     and d.created_at < now() - interval '1 day'
$$;
comment on function private.discard_abandoned_uploads() is 'Hourly (pg_cron): soft-deletes attachment uploads nobody attached within a day.';
select cron.schedule('portal-abandoned-uploads', '23 * * * *', 'select private.discard_abandoned_uploads()');

grant execute on function public.upload_limits() to authenticated;
