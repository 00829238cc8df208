-- Documents: metadata for the files of a matter in the private Storage bucket `documents`, the
-- release gate, versions, soft deletion, audited downloads, message attachments, and the Storage
-- policies that mirror all of it on storage.objects.
--
-- Object path: `<matter id>/<document id>/<storage file name>`. The storage file name is the
-- original name with umlauts transliterated and everything outside [A-Za-z0-9._-] replaced by
-- `_`, because Storage accepts only such keys; the original name stays in documents.name (pass it
-- as `download` when creating the signed URL).
--
-- Visibility: staff see every document (also unreleased and deleted ones). Client users and guests
-- of the matter see documents that are released and not deleted, plus their own uploads. A
-- document a staff member uploads stays invisible to clients until release_document (the release
-- gate); a client's or guest's upload is released when its upload completes.
--
-- Upload flow: create_document_upload(matter, name, size, mime, sha256[, previous version])
-- checks everything and returns the path → the client uploads to exactly that path (Storage's
-- INSERT policy allows it only for the uploader's own pending row) → complete_document_upload(id)
-- confirms the object exists and stamps uploaded_at (and released_at for non-staff uploads).
--
-- Download flow: document_download_url(id) checks access, writes the audit event and a 2-minute
-- download grant, and returns bucket and path; the client then calls Storage createSignedUrl as
-- itself, and Storage's SELECT policy checks access again and requires that grant. Postgres does
-- not sign URLs itself: that would need Storage's signing secret inside the database (a dump would
-- leak a key that forges any URL), and Storage RLS stays the one place that decides. The grant
-- makes the audit unavoidable: reading an object without the RPC is refused.

create function private.allowed_document_mime_types()
returns text[]
language sql
immutable
set search_path = ''
as $$
  select array[
    'application/pdf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.oasis.opendocument.presentation',
    'application/rtf',
    'text/plain',
    'text/csv',
    'image/jpeg',
    'image/png',
    'image/gif',
    'image/webp',
    'image/tiff',
    'image/heic',
    'image/heif',
    'application/zip',
    'message/rfc822',
    'application/vnd.ms-outlook'
  ]::text[]
$$;
comment on function private.allowed_document_mime_types() is
  'What the documents bucket accepts: PDF, Word/Excel/PowerPoint (old and OOXML), OpenDocument, RTF, plain text/CSV, common photo formats, ZIP, e-mails (.eml/.msg). No HTML, SVG or executables.';

create function private.storage_file_name(file_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select regexp_replace(
           replace(replace(replace(replace(replace(replace(replace(file_name,
             'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'),
           '[^A-Za-z0-9._-]', '_', 'g')
$$;

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('documents', 'documents', false, 200 * 1024 * 1024, private.allowed_document_mime_types())
on conflict (id) do update
  set public = false, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

create table public.documents (
  id                  uuid primary key default gen_random_uuid(),
  matter_id           uuid not null references public.matters (id) on delete restrict,
  name                text not null check (char_length(name) between 1 and 255
                                           and name !~ '[/\\[:cntrl:]]' and name not in ('.', '..')),
  storage_path        text generated always as
                        (matter_id::text || '/' || id::text || '/' || private.storage_file_name(name)) stored,
  size_bytes          bigint not null check (size_bytes between 0 and 200 * 1024 * 1024),
  mime_type           text not null,
  sha256              text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by         uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at          timestamptz not null default now(),
  uploaded_at         timestamptz,
  previous_version_id uuid unique references public.documents (id) on delete set null,
  version             integer not null default 1 check (version >= 1),
  released_at         timestamptz,
  released_by         uuid references public.profiles (id) on delete set null,
  deleted_at          timestamptz,
  deleted_by          uuid references public.profiles (id) on delete set null,
  constraint documents_storage_path_unique unique (storage_path),
  constraint documents_released_after_upload check (released_at is null or uploaded_at is not null)
);
comment on table public.documents is
  'Files of a matter (Storage bucket documents). released_at is the release gate: clients and guests see a staff upload only once released. deleted_at is a soft delete.';
comment on column public.documents.uploaded_at is 'Null while the upload is pending (row prepared, object not yet confirmed).';
create index documents_matter_id_idx on public.documents (matter_id, created_at desc);
create index documents_uploaded_by_idx on public.documents (uploaded_by);
create index documents_released_by_idx on public.documents (released_by);
create index documents_deleted_by_idx on public.documents (deleted_by);

create table private.download_grants (
  id          bigint generated always as identity primary key,
  user_id     uuid not null references auth.users (id) on delete cascade,
  document_id uuid not null references public.documents (id) on delete cascade,
  expires_at  timestamptz not null
);
comment on table private.download_grants is
  'Short-lived permission, written by document_download_url together with its audit event, that Storage''s SELECT policy requires.';
create index download_grants_user_document_idx on private.download_grants (user_id, document_id, expires_at);
create index download_grants_document_id_idx on private.download_grants (document_id);
alter table private.download_grants enable row level security;
revoke all on private.download_grants from public, anon, authenticated, service_role;

create table public.message_attachments (
  message_id  uuid not null references public.messages (id) on delete cascade,
  document_id uuid not null references public.documents (id) on delete cascade,
  created_at  timestamptz not null default now(),
  primary key (message_id, document_id)
);
comment on table public.message_attachments is 'Documents referenced by a message (released documents of the conversation''s matter).';
create index message_attachments_document_id_idx on public.message_attachments (document_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create function private.user_can_read_document(user_id uuid, document_id uuid)
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
            or (private.user_can_access_matter(user_can_read_document.user_id, d.matter_id)
                and (d.released_at is not null or d.uploaded_by = user_can_read_document.user_id)))
  )
$$;

create function private.my_document_ids()
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
$$;
comment on function private.my_document_ids() is 'Released, undeleted documents of the caller''s matters plus its own uploads (staff: use private.is_staff()).';

create function private.document_uploader_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select d.uploaded_by from public.documents as d where d.id in (select private.my_document_ids())
$$;

-- Storage SELECT: own pending upload, or a readable document with a live download grant.
create function private.can_read_document_object(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.documents as d
     where d.storage_path = can_read_document_object.object_name
       and d.deleted_at is null
       and ((d.uploaded_at is null and d.uploaded_by = auth.uid())
            or (private.user_can_read_document(auth.uid(), d.id)
                and exists (select 1 from private.download_grants as g
                             where g.user_id = auth.uid() and g.document_id = d.id and g.expires_at > now())))
  )
$$;

-- Storage INSERT: only into the caller's own pending document row, in a matter it still accesses.
create function private.can_upload_document_object(object_name text)
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
       and private.user_can_access_matter(auth.uid(), d.matter_id)
  )
$$;

create function private.my_readable_message_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id from public.messages as m where m.conversation_id in (select private.my_conversation_ids())
$$;

create function private.my_attachable_message_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id from public.messages as m
   where m.author_id = auth.uid() and m.deleted_at is null
     and m.conversation_id in (select private.my_conversation_ids())
$$;

create function private.document_fits_message(message_id uuid, document_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
      from public.messages as m
      join public.conversations as c on c.id = m.conversation_id
      join public.documents as d on d.matter_id = c.matter_id
     where m.id = document_fits_message.message_id
       and d.id = document_fits_message.document_id
       and d.released_at is not null and d.deleted_at is null
  )
$$;

grant execute on function
  private.my_document_ids(), private.document_uploader_ids(), private.can_read_document_object(text),
  private.can_upload_document_object(text), private.my_readable_message_ids(), private.my_attachable_message_ids(),
  private.document_fits_message(uuid, uuid)
  to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Row level security: documents and attachments
-- ---------------------------------------------------------------------------------------------

alter table public.documents enable row level security;
alter table public.message_attachments enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.documents as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all documents"
  on public.documents for select to authenticated
  using ((select private.is_staff()));
create policy "Matter members can read released documents and own uploads"
  on public.documents for select to authenticated
  using (id in (select private.my_document_ids()));

create policy "Only sessions that passed the second factor get access"
  on public.message_attachments as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Participants can read the attachments of their conversations"
  on public.message_attachments for select to authenticated
  using (message_id in (select private.my_readable_message_ids()));
create policy "Authors can attach released documents of the matter"
  on public.message_attachments for insert to authenticated
  with check (message_id in (select private.my_attachable_message_ids())
              and private.document_fits_message(message_id, document_id));

create policy "Document readers can read the profiles of uploaders"
  on public.profiles for select to authenticated
  using (id in (select private.document_uploader_ids()));

revoke all on public.documents, public.message_attachments from anon, authenticated;
grant all on public.documents, public.message_attachments to service_role;
grant select on public.documents to authenticated;
grant select, insert on public.message_attachments to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Storage policies (bucket documents); the gate covers every bucket
-- ---------------------------------------------------------------------------------------------

create policy "Only sessions that passed the second factor get access"
  on storage.objects as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Document readers can read objects after a download request"
  on storage.objects for select to authenticated
  using (bucket_id = 'documents' and private.can_read_document_object(name));
create policy "Matter members can upload into their prepared document path"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'documents' and private.can_upload_document_object(name));

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.create_document_upload(
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
  previous public.documents%rowtype;
  created public.documents%rowtype;
begin
  if not private.user_can_access_matter(uid, create_document_upload.matter_id) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  if file_name is null or char_length(file_name) not between 1 and 255
     or file_name ~ '[/\\[:cntrl:]]' or file_name in ('.', '..') then
    raise exception using errcode = 'P0001', message = 'invalid_file_name';
  end if;
  if size_bytes is null or size_bytes < 0 then
    raise exception using errcode = 'P0001', message = 'invalid_size';
  end if;
  if size_bytes > 200 * 1024 * 1024 then
    raise exception using errcode = 'P0001', message = 'document_too_large', detail = 'At most 200 MiB.';
  end if;
  if mime_type is null or not (lower(mime_type) = any (private.allowed_document_mime_types())) then
    raise exception using errcode = 'P0001', message = 'document_type_not_allowed';
  end if;
  if sha256 is null or lower(sha256) !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'P0001', message = 'invalid_checksum', detail = 'SHA-256 as 64 hex digits.';
  end if;

  if create_document_upload.previous_version_id is not null then
    select * into previous from public.documents as d where d.id = create_document_upload.previous_version_id;
    if not found or previous.matter_id <> create_document_upload.matter_id
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
  'Prepares an upload into a matter and returns the Storage path to upload to. Errors: not_authenticated, mfa_required, matter_not_found, invalid_file_name, invalid_size, document_too_large, document_type_not_allowed, invalid_checksum, invalid_previous_version, version_conflict.';

create function public.complete_document_upload(document_id uuid)
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
  if not found or not private.user_can_access_matter(uid, doc.matter_id) then
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

  update public.documents as d
     set uploaded_at = now(),
         size_bytes = coalesce(stored_size, d.size_bytes),
         released_at = case when private.user_is_staff(uid) then null else now() end,
         released_by = case when private.user_is_staff(uid) then null else uid end
   where d.id = doc.id
  returning * into doc;
  perform private.audit('document.uploaded', 'document', doc.id::text,
    jsonb_build_object('matter_id', doc.matter_id, 'name', doc.name, 'sha256', doc.sha256, 'size_bytes', doc.size_bytes));
  return doc;
end;
$$;
comment on function public.complete_document_upload(uuid) is
  'Confirms the uploaded object; releases client and guest uploads at once. Errors: not_authenticated, mfa_required, document_not_found, document_already_uploaded, document_object_missing.';

create function public.release_document(document_id uuid)
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
  if not found then
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
  'Staff: makes an uploaded document visible to the matter''s client users and guests. Errors: not_authenticated, mfa_required, forbidden, document_not_found, document_deleted, document_not_uploaded, document_already_released.';

create function public.delete_document(document_id uuid)
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
  if not found or not (private.user_is_staff(uid) or private.user_can_read_document(uid, doc.id)) then
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
  'Soft-deletes a document (staff, or the uploader). The object is purged later by the service role. Errors: not_authenticated, mfa_required, document_not_found, document_deleted, forbidden.';

create function public.document_download_url(document_id uuid)
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
    jsonb_build_object('matter_id', doc.matter_id, 'name', doc.name, 'sha256', doc.sha256));
  return query select 'documents'::text, doc.storage_path, doc.name, doc.mime_type, grant_expires_at;
end;
$$;
comment on function public.document_download_url(uuid) is
  'Audits the download and returns the Storage path; call storage.from(bucket).createSignedUrl(path, 60, {download: file_name}) within expires_at. Errors: not_authenticated, mfa_required, document_not_found, document_not_uploaded.';

grant execute on function
  public.create_document_upload(uuid, text, bigint, text, text, uuid), public.complete_document_upload(uuid),
  public.release_document(uuid), public.delete_document(uuid), public.document_download_url(uuid)
  to authenticated;
