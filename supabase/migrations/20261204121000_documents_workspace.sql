-- Documents as a workspace (/dokumente, and inside each matter): folders, names made safe, the
-- content check of every finished upload, bulk release with a note, undo and restore, version
-- chains, who downloaded what, the list for the screens, and live changes on user topics.
--
-- Built on the upload, release and download RPCs of 20261127080000 (which other features reuse)
-- with triggers and new RPCs, so every path into public.documents gets the same rules:
--
-- * Names: the original name is kept for display, trimmed and in Unicode NFC (so an "ü" typed on
--   a Mac becomes "ue" in the storage path, not "u_"); invisible format characters (bidi
--   overrides that turn "rechnung‮fdp.exe" into "rechnungexe.pdf", zero-width spaces, BOM) are
--   refused like control characters and slashes (`invalid_file_name`); the extension must fit
--   the declared type (`document_type_mismatch`: "vertrag.pdf.exe" as application/pdf).
-- * Closed matters take no uploads (`matter_closed`).
-- * Content check: when an upload completes, content_check becomes `pending` and the
--   `verify-document` edge function is asked (net.http_post after commit, like the mail outbox,
--   plus a minute job for lost requests). It streams the object, computes its SHA-256 and sniffs
--   its type, and reports through record_document_check (service role): a checksum that differs
--   from the one declared at create_document_upload, or content that is not what the MIME type
--   says (an executable named .pdf, HTML sent as text/plain), fails the document: it is
--   soft-deleted with the reason and nobody can read its object. Until it passed, only staff and
--   the uploader see the row (as "being checked"), nobody reads the object, and staff cannot
--   release it (`document_not_checked`). Rows written by SQL directly (seed, fixtures) have no
--   check (null) and are treated as passed: the app has no way to write documents but the RPCs.
-- * Release: release_documents(ids, note) releases several at once with an optional note shown
--   to the client; each release is audited and notified (20261127090000's trigger).
-- * "New for the firm": a client's or guest's upload is visible to staff at once and marked new
--   until a staff member opens it (download or preview) or marks it seen (`staff_seen_at`).
-- * Deletion: delete_document (soft) stays; restore_document undoes it: the one who deleted it
--   within 10 minutes (undo), staff at any time (restore). Failed content checks cannot be
--   restored.
-- * Live: every change of a document sends `document_changed {document_id, matter_id, kind}` to
--   the user topic of everyone who may read it at that moment (kinds uploaded, checked,
--   released, deleted, restored, filed), so a guest removed a second ago hears nothing more.

-- ---------------------------------------------------------------------------------------------
-- Columns and indexes
-- ---------------------------------------------------------------------------------------------

alter table public.documents
  add column folder text check (folder is null or (char_length(folder) between 1 and 100
                                                    and folder = btrim(folder) and folder !~ '[/\\[:cntrl:]]')),
  add column release_note text check (release_note is null or char_length(release_note) between 1 and 2000),
  add column content_check text check (content_check in ('pending', 'passed', 'failed')),
  add column content_checked_at timestamptz,
  add column content_check_reason text,
  add column detected_type text,
  add column staff_seen_at timestamptz,
  add column staff_seen_by uuid references public.profiles (id) on delete set null;
comment on column public.documents.folder is 'Folder within the matter (one level, e.g. Korrespondenz); null: top level.';
comment on column public.documents.content_check is
  'pending while verify-document checks SHA-256 and type; failed documents are soft-deleted with content_check_reason. Null: written without the upload RPCs (treated as passed).';
comment on column public.documents.staff_seen_at is 'When staff first opened a client''s or guest''s upload; null marks it new for the firm.';

create index documents_staff_seen_by_idx on public.documents (staff_seen_by);
create index documents_matter_folder_idx on public.documents (matter_id, folder);
create index documents_content_check_pending_idx on public.documents (content_checked_at) where content_check = 'pending';
create index documents_unseen_idx on public.documents (matter_id) where staff_seen_at is null and released_by is not null;

-- What each type may be called: the extension must fit the declared type.
create function private.document_type_extensions(mime_type text)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select case lower(mime_type)
    when 'application/pdf' then array['pdf']
    when 'application/msword' then array['doc', 'dot']
    when 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' then array['docx']
    when 'application/vnd.ms-excel' then array['xls', 'xlt']
    when 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' then array['xlsx']
    when 'application/vnd.ms-powerpoint' then array['ppt', 'pps']
    when 'application/vnd.openxmlformats-officedocument.presentationml.presentation' then array['pptx']
    when 'application/vnd.oasis.opendocument.text' then array['odt']
    when 'application/vnd.oasis.opendocument.spreadsheet' then array['ods']
    when 'application/vnd.oasis.opendocument.presentation' then array['odp']
    when 'application/rtf' then array['rtf']
    when 'text/plain' then array['txt', 'text', 'log', 'md']
    when 'text/csv' then array['csv']
    when 'image/jpeg' then array['jpg', 'jpeg', 'jfif']
    when 'image/png' then array['png']
    when 'image/gif' then array['gif']
    when 'image/webp' then array['webp']
    when 'image/tiff' then array['tif', 'tiff']
    when 'image/heic' then array['heic']
    when 'image/heif' then array['heif', 'heic']
    when 'application/zip' then array['zip']
    when 'message/rfc822' then array['eml']
    when 'application/vnd.ms-outlook' then array['msg']
  end
$$;
comment on function private.document_type_extensions(text) is 'File extensions that fit each type of the documents bucket (lower case).';

-- ---------------------------------------------------------------------------------------------
-- Every insert and update of a document
-- ---------------------------------------------------------------------------------------------

create function private.check_document_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  extension text;
begin
  if tg_op = 'INSERT' then
    new.name := normalize(btrim(new.name), nfc);
    if new.name ~ '[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]'
       or new.name in ('', '.', '..') or new.name ~ '^\.' then
      raise exception using errcode = 'P0001', message = 'invalid_file_name',
        detail = 'No invisible or direction-changing characters, and no leading dot.';
    end if;
    extension := lower(substring(new.name from '\.([^.]+)$'));
    if extension is null or not (extension = any (coalesce(private.document_type_extensions(new.mime_type), '{}'))) then
      raise exception using errcode = 'P0001', message = 'document_type_mismatch',
        detail = format('A file named .%s is not %s.', coalesce(extension, '(none)'), new.mime_type);
    end if;
    if new.matter_id is not null
       and (select m.status from public.matters as m where m.id = new.matter_id) = 'closed' then
      raise exception using errcode = 'P0001', message = 'matter_closed';
    end if;
    return new;
  end if;

  -- An upload completes: the content check starts.
  if old.uploaded_at is null and new.uploaded_at is not null then
    new.content_check := 'pending';
    new.content_checked_at := null;
  -- A separate release must wait for the check.
  elsif old.released_at is null and new.released_at is not null and new.content_check in ('pending', 'failed') then
    raise exception using errcode = 'P0001', message = 'document_not_checked',
      detail = 'The content check of this document has not passed.';
  end if;
  return new;
end;
$$;
create trigger documents_check_write
  before insert or update on public.documents
  for each row execute function private.check_document_write();

-- Who may read a document right now (for live announcements).
create function private.document_reader_ids(document_id uuid)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select r.user_id from (
    select s.user_id from public.staff as s
    union
    select cm.user_id from public.documents as d join public.matters as m on m.id = d.matter_id
      join public.client_members as cm on cm.client_id = m.client_id where d.id = document_reader_ids.document_id
    union
    select mm.user_id from public.documents as d join public.matter_members as mm on mm.matter_id = d.matter_id
     where d.id = document_reader_ids.document_id and mm.role = 'guest'
    union
    select d.uploaded_by from public.documents as d where d.id = document_reader_ids.document_id
  ) as r
  where r.user_id is not null and private.user_can_read_document(r.user_id, document_reader_ids.document_id)
$$;

create function private.announce_document_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  kind text;
  readers uuid[];
begin
  if new.matter_id is null then
    return null;
  end if;
  kind := case
    when old.uploaded_at is null and new.uploaded_at is not null then 'uploaded'
    when old.content_check is distinct from new.content_check then 'checked'
    when old.deleted_at is null and new.deleted_at is not null then 'deleted'
    when old.deleted_at is not null and new.deleted_at is null then 'restored'
    when old.released_at is null and new.released_at is not null then 'released'
    when old.folder is distinct from new.folder then 'filed'
    when old.staff_seen_at is null and new.staff_seen_at is not null then 'seen'
  end;
  if kind is null then
    return null;
  end if;
  -- A deleted document is no longer readable: tell those who could read it a moment ago.
  readers := array(select private.document_reader_ids(new.id));
  if kind = 'deleted' then
    readers := readers || array(select s.user_id from public.staff as s) || new.uploaded_by;
  end if;
  perform realtime.send(jsonb_build_object('document_id', new.id, 'matter_id', new.matter_id, 'kind', kind),
                        'document_changed', 'user:' || r.user_id, true)
     from (select distinct unnest(readers) as user_id) as r
    where r.user_id is not null;
  return null;
end;
$$;
comment on function private.announce_document_change() is
  'Sends document_changed {document_id, matter_id, kind} to the user topic of everyone who may read the document now.';
create trigger documents_announce_change
  after update on public.documents
  for each row execute function private.announce_document_change();

-- ---------------------------------------------------------------------------------------------
-- Reading rules: unchecked and failed documents stay with staff and the uploader; their objects
-- with nobody
-- ---------------------------------------------------------------------------------------------

create function private.document_is_checked(content_check text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select content_check is null or content_check = 'passed'
$$;

create function private.document_object_is_checked(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select not exists (select 1 from public.documents as d
                      where d.storage_path = document_object_is_checked.object_name
                        and not private.document_is_checked(d.content_check))
$$;

grant execute on function private.document_is_checked(text), private.document_object_is_checked(text) to authenticated;

create policy "Only staff and the uploader see documents awaiting a check"
  on public.documents as restrictive for select to authenticated
  using (private.document_is_checked(content_check) or uploaded_by = (select auth.uid()) or (select private.is_staff()));
create policy "Nobody reads objects of documents awaiting or failing a check"
  on storage.objects as restrictive for select to authenticated
  using (bucket_id <> 'documents' or private.document_object_is_checked(name));

-- ---------------------------------------------------------------------------------------------
-- The content check (service role, from verify-document)
-- ---------------------------------------------------------------------------------------------

-- Which sniffed content fits which declared type. `text` is anything without binary signatures
-- or NUL bytes; `zip` any ZIP container (OOXML documents are ZIPs); `cfb` the OLE container of
-- .doc/.xls/.ppt/.msg; `odf:<type>` an OpenDocument whose mimetype entry names the type.
create function private.content_fits_type(detected text, mime_type text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select case lower(mime_type)
    when 'application/pdf' then detected = 'pdf'
    when 'image/jpeg' then detected = 'jpeg'
    when 'image/png' then detected = 'png'
    when 'image/gif' then detected = 'gif'
    when 'image/webp' then detected = 'webp'
    when 'image/tiff' then detected = 'tiff'
    when 'image/heic' then detected in ('heic', 'heif')
    when 'image/heif' then detected in ('heic', 'heif')
    when 'application/rtf' then detected = 'rtf'
    when 'application/zip' then detected in ('zip', 'ooxml') or detected like 'odf:%'
    when 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' then detected in ('ooxml', 'zip')
    when 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' then detected in ('ooxml', 'zip')
    when 'application/vnd.openxmlformats-officedocument.presentationml.presentation' then detected in ('ooxml', 'zip')
    when 'application/msword' then detected = 'cfb'
    when 'application/vnd.ms-excel' then detected = 'cfb'
    when 'application/vnd.ms-powerpoint' then detected = 'cfb'
    when 'application/vnd.ms-outlook' then detected = 'cfb'
    when 'application/vnd.oasis.opendocument.text' then detected = 'odf:' || lower(mime_type)
    when 'application/vnd.oasis.opendocument.spreadsheet' then detected = 'odf:' || lower(mime_type)
    when 'application/vnd.oasis.opendocument.presentation' then detected = 'odf:' || lower(mime_type)
    when 'text/plain' then detected = 'text'
    when 'text/csv' then detected = 'text'
    when 'message/rfc822' then detected = 'text'
    else false
  end
$$;

create function public.record_document_check(document_id uuid, sha256 text, detected_type text)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  doc public.documents%rowtype;
  reason text;
begin
  select * into doc from public.documents as d where d.id = record_document_check.document_id for update;
  if not found or doc.content_check is distinct from 'pending' then
    return coalesce(doc.content_check, 'unknown');
  end if;
  if record_document_check.sha256 is null then
    reason := 'object_missing';
  elsif lower(record_document_check.sha256) <> doc.sha256 then
    reason := 'checksum_mismatch';
  elsif not private.content_fits_type(record_document_check.detected_type, doc.mime_type) then
    reason := 'content_type_mismatch';
  end if;
  update public.documents as d
     set content_check = case when reason is null then 'passed' else 'failed' end,
         content_checked_at = now(), content_check_reason = reason,
         detected_type = record_document_check.detected_type,
         deleted_at = case when reason is null then d.deleted_at else coalesce(d.deleted_at, now()) end,
         released_at = case when reason is null then d.released_at end,
         released_by = case when reason is null then d.released_by end
   where d.id = doc.id;
  if reason is not null then
    delete from private.download_grants as g where g.document_id = doc.id;
    perform private.audit('document.rejected', 'document', doc.id::text,
      jsonb_build_object('matter_id', doc.matter_id, 'reason', reason, 'declared_type', doc.mime_type,
                         'detected_type', record_document_check.detected_type));
  end if;
  return case when reason is null then 'passed' else 'failed' end;
end;
$$;
comment on function public.record_document_check(uuid, text, text) is
  'Service role (verify-document): the SHA-256 and sniffed type of a finished upload. Passes it, or fails and soft-deletes it with reason object_missing, checksum_mismatch or content_type_mismatch. Returns passed/failed (or the state it already had).';

create function public.pending_document_checks(max_count integer default 20, document_ids uuid[] default null)
returns table (document_id uuid, bucket text, path text, size_bytes bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select d.id, 'documents'::text, d.storage_path, d.size_bytes
    from public.documents as d
   where d.content_check = 'pending'
     and (pending_document_checks.document_ids is null or d.id = any (pending_document_checks.document_ids))
   order by d.uploaded_at
   limit greatest(least(coalesce(max_count, 20), 100), 1)
$$;
comment on function public.pending_document_checks(integer, uuid[]) is
  'Service role: documents waiting for their content check (only those in document_ids when given), oldest first, at most 100.';

-- Posts to an edge function with the project URL and service-role key from Vault (Supabase's
-- "Scheduling Edge Functions"); pg_net sends after commit. Without the secrets it only warns, so
-- the caller's transaction never fails for it. Returns the request id, or null.
create function private.post_to_edge_function(function_name text, body jsonb, timeout_milliseconds integer)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  api_url text := (select s.decrypted_secret from vault.decrypted_secrets as s where s.name = 'project_url');
  service_key text := (select s.decrypted_secret from vault.decrypted_secrets as s where s.name = 'service_role_key');
begin
  if api_url is null or service_key is null then
    raise warning '%: Vault has no project_url or service_role_key; the request waits for them', function_name;
    return null;
  end if;
  return net.http_post(
    url := rtrim(api_url, '/') || '/functions/v1/' || function_name,
    body := body,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || service_key),
    timeout_milliseconds := post_to_edge_function.timeout_milliseconds
  );
end;
$$;

-- Asks verify-document to check the given documents, or whatever is pending; the minute job
-- asks again for what a lost request left.
create function private.request_document_check(document_ids uuid[] default null)
returns bigint
language sql
volatile
security definer
set search_path = ''
as $$
  -- hashing 200 MiB takes a few seconds
  select private.post_to_edge_function('verify-document',
    case when document_ids is null then '{}'::jsonb else jsonb_build_object('document_ids', to_jsonb(document_ids)) end,
    120000)
$$;

create function private.start_document_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.content_check is distinct from 'pending' and new.content_check = 'pending' then
    perform private.request_document_check(array[new.id]);
  end if;
  return null;
end;
$$;
-- No column list: the check state is set by a BEFORE trigger, not by the statement's SET.
create trigger documents_start_check
  after update on public.documents
  for each row execute function private.start_document_check();

create function private.retry_document_checks()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.documents as d
              where d.content_check = 'pending' and d.uploaded_at < now() - interval '1 minute') then
    perform private.request_document_check(null);
  end if;
end;
$$;
comment on function private.retry_document_checks() is 'Every minute (pg_cron): asks verify-document again for checks pending over a minute.';
select cron.schedule('portal-document-checks', '* * * * *', 'select private.retry_document_checks()');

revoke execute on function public.record_document_check(uuid, text, text), public.pending_document_checks(integer, uuid[])
  from public, anon, authenticated;
grant execute on function public.record_document_check(uuid, text, text), public.pending_document_checks(integer, uuid[])
  to service_role;

-- ---------------------------------------------------------------------------------------------
-- RPCs for the screens
-- ---------------------------------------------------------------------------------------------

create function public.list_documents(
  filter_matter uuid default null,
  filter_folder text default null,
  filter_state text default null,
  search text default null,
  after_created_at timestamptz default null,
  after_id uuid default null,
  max_rows integer default 50
)
returns table (
  id uuid, matter_id uuid, matter_reference text, matter_title text, name text, folder text,
  mime_type text, size_bytes bigint, version integer, previous_version_id uuid, uploaded_by uuid,
  uploader_name text, uploaded_by_staff boolean, created_at timestamptz, uploaded_at timestamptz,
  released_at timestamptz, release_note text, deleted_at timestamptz, deleted_by uuid,
  content_check text, content_check_reason text, is_new boolean, sha256 text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  is_staff boolean := private.user_is_staff(uid);
  pattern text := private.contains_pattern(search);
begin
  if filter_state is not null and filter_state not in ('unreleased', 'released', 'new', 'deleted', 'checking') then
    raise exception using errcode = 'P0001', message = 'invalid_state';
  end if;
  if filter_state in ('unreleased', 'new', 'deleted') and not is_staff then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff filter by release state.';
  end if;
  if max_rows is null or max_rows not between 1 and 200 then
    raise exception using errcode = 'P0001', message = 'invalid_page_size', detail = 'Between 1 and 200 rows.';
  end if;
  if filter_matter is not null and filter_matter not in (select private.visible_matter_ids(uid)) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  return query
    select d.id, d.matter_id, m.reference, m.title, d.name, d.folder, d.mime_type, d.size_bytes, d.version,
           d.previous_version_id, d.uploaded_by, p.display_name, private.user_is_staff(d.uploaded_by),
           d.created_at, d.uploaded_at, d.released_at, d.release_note, d.deleted_at, d.deleted_by,
           d.content_check, d.content_check_reason,
           is_staff and d.staff_seen_at is null and d.released_by = d.uploaded_by and not private.user_is_staff(d.uploaded_by),
           d.sha256
      from public.documents as d
      join public.matters as m on m.id = d.matter_id
      left join public.profiles as p on p.id = d.uploaded_by
     where (filter_matter is null and d.matter_id in (select private.visible_matter_ids(uid))
            or d.matter_id = filter_matter)
       and d.uploaded_at is not null
       and (case when filter_state = 'deleted' then d.deleted_at is not null else d.deleted_at is null end)
       and (is_staff
            or ((d.released_at is not null or d.uploaded_by = uid)
                and (private.document_is_checked(d.content_check) or d.uploaded_by = uid)))
       -- the newest version the caller may see stands for its chain
       and not exists (select 1 from public.documents as s
                        where s.previous_version_id = d.id and s.uploaded_at is not null and s.deleted_at is null
                          and (is_staff or ((s.released_at is not null or s.uploaded_by = uid)
                                            and private.document_is_checked(s.content_check))))
       and (filter_folder is null or d.folder is not distinct from nullif(filter_folder, ''))
       and (filter_state is null or filter_state = 'deleted'
            or (filter_state = 'unreleased' and d.released_at is null)
            or (filter_state = 'released' and d.released_at is not null)
            or (filter_state = 'checking' and d.content_check = 'pending')
            or (filter_state = 'new' and d.staff_seen_at is null and d.released_by = d.uploaded_by
                and not private.user_is_staff(d.uploaded_by)))
       and (btrim(coalesce(search, '')) = '' or d.name ilike pattern)
       and (after_created_at is null or (d.created_at, d.id) < (after_created_at, after_id))
     order by d.created_at desc, d.id desc
     limit max_rows;
end;
$$;
comment on function public.list_documents(uuid, text, text, text, timestamptz, uuid, integer) is
  'Documents of one matter (or all the caller''s), newest first, keyset paged by (created_at, id); one row per version chain: the newest version the caller may see. States: released, checking; staff also unreleased, new (clients'' uploads not yet opened by staff), deleted. Errors: not_authenticated, session_required, mfa_required, invalid_state, forbidden, invalid_page_size, matter_not_found.';

create function public.document_folders(matter_id uuid)
returns table (folder text, documents bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if matter_id not in (select private.visible_matter_ids(uid)) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  return query
    select d.folder, count(*)
      from public.documents as d
     where d.matter_id = document_folders.matter_id and d.folder is not null and d.uploaded_at is not null
       and private.user_can_read_document(uid, d.id) and private.document_is_checked(d.content_check)
     group by d.folder
     order by d.folder;
end;
$$;
comment on function public.document_folders(uuid) is
  'The folders of a matter with how many documents the caller may read in each. Errors: not_authenticated, session_required, mfa_required, matter_not_found.';

create function public.document_versions(document_id uuid)
returns table (id uuid, version integer, name text, size_bytes bigint, uploaded_by uuid, uploader_name text,
               uploaded_at timestamptz, released_at timestamptz, content_check text, sha256 text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.user_can_read_document(uid, document_id) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  return query
    with recursive chain as (
      select d.* from public.documents as d where d.id = document_versions.document_id
      union all
      select p.* from public.documents as p join chain as c on p.id = c.previous_version_id
    )
    select c.id, c.version, c.name, c.size_bytes, c.uploaded_by, pr.display_name, c.uploaded_at, c.released_at,
           c.content_check, c.sha256
      from chain as c left join public.profiles as pr on pr.id = c.uploaded_by
     where c.uploaded_at is not null and private.user_can_read_document(uid, c.id)
       and (private.user_is_staff(uid) or private.document_is_checked(c.content_check) or c.uploaded_by = uid)
     order by c.version desc;
end;
$$;
comment on function public.document_versions(uuid) is
  'The versions of a document the caller may read, newest first (each downloadable through document_download_url). Errors: not_authenticated, session_required, mfa_required, document_not_found.';

create function public.document_downloads(document_id uuid)
returns table (version integer, document_version_id uuid, user_id uuid, display_name text, downloaded_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  perform private.require_staff(uid);
  if not exists (select 1 from public.documents as d where d.id = document_downloads.document_id) then
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
  'Staff: who downloaded or previewed which version of a document when (from the audit log), newest first. Errors: not_authenticated, session_required, mfa_required, forbidden, document_not_found.';

create function public.release_documents(document_ids uuid[], note text default null)
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
  if (select count(*) from public.documents as d where d.id = any (document_ids)) <> cardinality(array(select distinct unnest(document_ids))) then
    raise exception using errcode = 'P0001', message = 'document_not_found';
  end if;
  return released;
end;
$$;
comment on function public.release_documents(uuid[], text) is
  'Staff: releases documents to the matter''s client users and guests (already released ones are left as they are, so a retry is harmless), with an optional note; returns how many were released now. Errors: not_authenticated, session_required, mfa_required, forbidden, invalid_selection, note_too_long, document_not_found, document_deleted, document_not_uploaded, document_not_checked.';

create function public.restore_document(document_id uuid)
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
  if not found or not (private.user_is_staff(uid) or doc.deleted_by = uid) then
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
  'Undoes a deletion: whoever deleted it within 10 minutes, staff at any time. Errors: not_authenticated, session_required, mfa_required, document_not_found, document_not_deleted, document_rejected, undo_expired.';

create function public.file_documents(document_ids uuid[], folder text)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  clean_folder text := nullif(btrim(coalesce(folder, '')), '');
  moved integer;
begin
  if clean_folder is not null and (char_length(clean_folder) > 100 or clean_folder ~ '[/\\[:cntrl:]]') then
    raise exception using errcode = 'P0001', message = 'invalid_folder', detail = 'At most 100 characters, no slashes.';
  end if;
  if document_ids is null or cardinality(document_ids) not between 1 and 500 then
    raise exception using errcode = 'P0001', message = 'invalid_selection', detail = 'Between 1 and 500 documents.';
  end if;
  if exists (select 1 from unnest(document_ids) as w(id)
              where not exists (select 1 from public.documents as d
                                 where d.id = w.id and d.matter_id is not null and d.deleted_at is null
                                   and (private.user_is_staff(uid)
                                        or (d.uploaded_by = uid and private.user_can_access_matter(uid, d.matter_id)))))
  then
    raise exception using errcode = 'P0001', message = 'document_not_found',
      detail = 'Staff file any document; others their own uploads.';
  end if;
  update public.documents as d set folder = clean_folder
   where d.id = any (document_ids) and d.folder is distinct from clean_folder;
  get diagnostics moved = row_count;
  return moved;
end;
$$;
comment on function public.file_documents(uuid[], text) is
  'Puts documents into a folder of their matter (null: top level): staff any, others their own uploads. Errors: not_authenticated, session_required, mfa_required, invalid_folder, invalid_selection, document_not_found.';

create function public.mark_document_seen(document_id uuid)
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
   where d.id = mark_document_seen.document_id and d.staff_seen_at is null;
end;
$$;
comment on function public.mark_document_seen(uuid) is 'Staff: a client''s upload is no longer new for the firm. Errors: not_authenticated, session_required, mfa_required, forbidden.';

-- A staff download or preview marks a client's upload as seen.
create function private.mark_seen_on_staff_download()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if private.user_is_staff(new.user_id) then
    update public.documents as d set staff_seen_at = now(), staff_seen_by = new.user_id
     where d.id = new.document_id and d.staff_seen_at is null;
  end if;
  return null;
end;
$$;
create trigger download_grants_mark_seen
  after insert on private.download_grants
  for each row execute function private.mark_seen_on_staff_download();

revoke all on function private.document_reader_ids(uuid), private.content_fits_type(text, text),
  private.request_document_check(uuid[]), private.post_to_edge_function(text, jsonb, integer), private.document_type_extensions(text) from public;
grant execute on function
  public.list_documents(uuid, text, text, text, timestamptz, uuid, integer), public.document_folders(uuid),
  public.document_versions(uuid), public.document_downloads(uuid), public.release_documents(uuid[], text),
  public.restore_document(uuid), public.file_documents(uuid[], text), public.mark_document_seen(uuid)
  to authenticated;
