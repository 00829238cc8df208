-- Attachments on messages and chat messages, through the same upload RPCs, bucket and audit as
-- ticket attachments (20261203102000): create_document_upload(matter_id => null, …) → upload to
-- the returned path → complete_document_upload → send_message(…, attachment_ids) hands the uploads
-- to the message in the same transaction. So a file is never visible before its message, a
-- refused file is refused before anything was sent, and a retried send (same message id) attaches
-- nothing twice.
--
-- Attaching is one helper for every kind of home, private.attach_uploads; tickets keep their
-- private.attach_ticket_documents as a call of it.
--
-- Who may read a message attachment mirrors who may read the message: a participant who still has
-- access to the conversation (private.user_can_see_entity). That holds for staff too: like the
-- messages, a conversation's files are not part of "staff read every document"; staff who join
-- the conversation read them. A removed participant, a guest who left the matter or a user who
-- left the client loses them in the same statement. Deleting a message withdraws its files
-- (soft-deleted, audited, the object purged later like any deleted document).

alter table public.documents
  add column conversation_id uuid references public.conversations (id) on delete restrict,
  add column message_id uuid references public.messages (id) on delete restrict,
  drop constraint documents_one_home,
  add constraint documents_one_home check (num_nonnulls(matter_id, ticket_id, conversation_id) <= 1),
  add constraint documents_message_needs_its_conversation check (message_id is null or conversation_id is not null);
comment on column public.documents.conversation_id is
  'Set when the document is a message attachment (then matter_id and ticket_id are null). None of the three set: an upload not yet attached.';
comment on column public.documents.message_id is 'The message that carries this attachment.';
create index documents_conversation_id_idx on public.documents (conversation_id);
create index documents_message_id_idx on public.documents (message_id);
drop index public.documents_unattached_idx;
create index documents_unattached_idx on public.documents (uploaded_by, created_at)
  where matter_id is null and ticket_id is null and conversation_id is null and deleted_at is null;

-- ---------------------------------------------------------------------------------------------
-- Who may read (same signatures as 20261203102000)
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
       and ((d.conversation_id is null and private.user_is_staff(user_can_read_document.user_id))
            or (d.matter_id is not null
                and private.user_can_access_matter(user_can_read_document.user_id, d.matter_id)
                and (d.released_at is not null or d.uploaded_by = user_can_read_document.user_id))
            or (d.ticket_id is not null and private.user_can_see_ticket(user_can_read_document.user_id, d.ticket_id))
            or (d.conversation_id is not null
                and private.user_can_see_entity(user_can_read_document.user_id, 'conversation', d.conversation_id))
            or (d.matter_id is null and d.ticket_id is null and d.conversation_id is null
                and d.uploaded_by = user_can_read_document.user_id))
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
   where d.conversation_id in (select private.my_conversation_ids()) and d.deleted_at is null
  union all
  select d.id from public.documents as d
   where d.uploaded_by = auth.uid() and d.matter_id is null and d.ticket_id is null and d.conversation_id is null
     and d.deleted_at is null
$$;
comment on function private.my_document_ids() is
  'Released, undeleted documents of the caller''s matters and its own uploads, attachments of its tickets and of the conversations it takes part in, its unattached uploads (staff: use private.is_staff() outside conversations).';

drop policy "Staff can read all documents" on public.documents;
create policy "Staff can read all documents outside conversations"
  on public.documents for select to authenticated
  using ((select private.is_staff()) and conversation_id is null);

-- ---------------------------------------------------------------------------------------------
-- Attaching: one helper for tickets and messages
-- ---------------------------------------------------------------------------------------------

create function private.attach_uploads(
  document_ids uuid[],
  ticket_id uuid default null,
  ticket_reply_id uuid default null,
  conversation_id uuid default null,
  message_id uuid default null
)
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
    raise exception using errcode = 'P0001', message = 'too_many_attachments', detail = format('At most %s files at once.', file_limit);
  end if;
  if exists (select 1 from unnest(wanted) as w(id)
              where not exists (select 1 from public.documents as d
                                 where d.id = w.id and d.uploaded_by = uid and d.matter_id is null
                                   and d.ticket_id is null and d.conversation_id is null and d.deleted_at is null)) then
    raise exception using errcode = 'P0001', message = 'attachment_not_found',
      detail = 'Attach only your own uploads that are not attached yet.';
  end if;
  if exists (select 1 from public.documents as d where d.id = any (wanted) and d.uploaded_at is null) then
    raise exception using errcode = 'P0001', message = 'attachment_not_uploaded', detail = 'Complete the upload first.';
  end if;
  for attached in
    update public.documents as d
       set ticket_id = attach_uploads.ticket_id, ticket_reply_id = attach_uploads.ticket_reply_id,
           conversation_id = attach_uploads.conversation_id, message_id = attach_uploads.message_id,
           released_at = now(), released_by = uid
     where d.id = any (wanted)
    returning d.id, d.name
  loop
    perform private.audit('document.attached', 'document', attached.id::text,
      jsonb_strip_nulls(jsonb_build_object('ticket_id', attach_uploads.ticket_id, 'reply_id', attach_uploads.ticket_reply_id,
        'conversation_id', attach_uploads.conversation_id, 'message_id', attach_uploads.message_id, 'name', attached.name)));
  end loop;
end;
$$;
comment on function private.attach_uploads(uuid[], uuid, uuid, uuid, uuid) is
  'Hands the caller''s completed, unattached uploads to a ticket reply or a message and releases them to its readers (audited). Errors: too_many_attachments, attachment_not_found, attachment_not_uploaded.';

create or replace function private.attach_ticket_documents(ticket_id uuid, reply_id uuid, document_ids uuid[])
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  select private.attach_uploads(attach_ticket_documents.document_ids, ticket_id => attach_ticket_documents.ticket_id,
                                ticket_reply_id => attach_ticket_documents.reply_id)
$$;
comment on function private.attach_ticket_documents(uuid, uuid, uuid[]) is 'private.attach_uploads for a ticket reply (open_ticket, reply_to_ticket).';

-- Uploads prepared but never sent go after a day; attached ones stay.
create or replace function private.discard_abandoned_uploads()
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.documents as d
     set deleted_at = now()
   where d.matter_id is null and d.ticket_id is null and d.conversation_id is null and d.deleted_at is null
     and d.created_at < now() - interval '1 day'
$$;

-- The daily bound on unattached uploads counts only those not attached yet.
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
         where d.uploaded_by = uid and d.matter_id is null and d.ticket_id is null and d.conversation_id is null
           and d.deleted_at is null and d.created_at > now() - interval '1 day') >= 50 then
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

-- Downloads are audited with where the file lives.
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
    jsonb_strip_nulls(jsonb_build_object('matter_id', doc.matter_id, 'ticket_id', doc.ticket_id,
      'conversation_id', doc.conversation_id, 'message_id', doc.message_id, 'name', doc.name, 'sha256', doc.sha256)));
  return query select 'documents'::text, doc.storage_path, doc.name, doc.mime_type, grant_expires_at;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Deleting a message withdraws its files
-- ---------------------------------------------------------------------------------------------

create function private.withdraw_deleted_message_attachments()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  withdrawn record;
begin
  for withdrawn in
    update public.documents as d set deleted_at = now(), deleted_by = coalesce(auth.uid(), new.author_id)
     where d.message_id = new.id and d.deleted_at is null
    returning d.id
  loop
    delete from private.download_grants as g where g.document_id = withdrawn.id;
    perform private.audit('document.deleted', 'document', withdrawn.id::text,
      jsonb_build_object('conversation_id', new.conversation_id, 'message_id', new.id));
  end loop;
  return null;
end;
$$;

create trigger messages_withdraw_attachments_of_deleted
  after update of deleted_at on public.messages
  for each row when (old.deleted_at is null and new.deleted_at is not null)
  execute function private.withdraw_deleted_message_attachments();

-- ---------------------------------------------------------------------------------------------
-- Sending and reading with attachments (same signature; list_messages gains `attachments`)
-- ---------------------------------------------------------------------------------------------

create or replace function public.send_message(
  conversation_id uuid,
  message_id uuid,
  body text,
  quoted_message_id uuid default null,
  attachment_ids uuid[] default null
)
returns public.messages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  conversation public.conversations%rowtype;
  text_to_send text := private.message_text(body);
  sent public.messages%rowtype;
begin
  if send_message.message_id is null then
    raise exception using errcode = 'P0001', message = 'message_id_required',
      detail = 'The app generates the id, so a retried send lands once.';
  end if;
  conversation := private.require_participation(send_message.conversation_id);
  if text_to_send = '' and coalesce(cardinality(attachment_ids), 0) = 0 then
    raise exception using errcode = 'P0001', message = 'body_required';
  end if;

  -- Messages of one conversation are stamped one after another under its row lock (the activity
  -- trigger takes it anyway), so created_at order is commit order and a reader catching up after
  -- (created_at, id) never skips a message that committed late.
  perform 1 from public.conversations as c where c.id = conversation.id for no key update;
  insert into public.messages (id, conversation_id, author_id, body, quoted_message_id, created_at)
  values (send_message.message_id, conversation.id, uid, text_to_send, send_message.quoted_message_id, clock_timestamp())
  on conflict (id) do nothing
  returning * into sent;
  if found then
    perform private.attach_uploads(attachment_ids, conversation_id => conversation.id, message_id => sent.id);
  else
    select * into sent from public.messages as m where m.id = send_message.message_id;
    if sent.conversation_id is distinct from conversation.id or sent.author_id is distinct from uid
       or (sent.deleted_at is null and sent.body is distinct from text_to_send) then
      raise exception using errcode = 'P0001', message = 'message_id_conflict';
    end if;
  end if;
  return sent;
end;
$$;
comment on function public.send_message(uuid, uuid, text, uuid, uuid[]) is
  'Sends a message into a conversation the caller takes part in, under an id the app generated (the same id returns the same message), with attachments (uploads prepared with create_document_upload(matter_id => null)). Errors: not_authenticated, session_required, mfa_required, message_id_required, conversation_not_found, body_required, body_too_long, quoted_message_not_found, message_id_conflict, too_many_attachments, attachment_not_found, attachment_not_uploaded.';

drop function public.list_messages(uuid, timestamptz, uuid, timestamptz, uuid, integer, uuid[]);
-- attachments: [{id, name, mime_type, size_bytes}], downloaded through document_download_url.
create function public.list_messages(
  conversation_id uuid,
  after_at timestamptz default null,
  after_id uuid default null,
  before_at timestamptz default null,
  before_id uuid default null,
  page_size integer default 50,
  message_ids uuid[] default null
)
returns table (
  id uuid, author_id uuid, author_name text, author_is_staff boolean, body text, created_at timestamptz,
  edited_at timestamptz, deleted_at timestamptz, event text, quoted_message_id uuid, quoted_author_name text,
  quoted_body text, read_by_all boolean, attachments jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  caller_is_staff boolean := private.user_is_staff(uid);
  size integer := least(greatest(coalesce(page_size, 50), 1), 200);
begin
  perform private.require_participation(list_messages.conversation_id);
  if (after_at is null) <> (after_id is null) or (before_at is null) <> (before_id is null) then
    raise exception using errcode = 'P0001', message = 'invalid_cursor';
  end if;
  return query
  select m.id, m.author_id, a.display_name, private.user_is_staff(m.author_id), m.body, m.created_at,
         m.edited_at, m.deleted_at, m.event, m.quoted_message_id, qa.display_name,
         case when q.deleted_at is null then left(q.body, 300) end,
         case when caller_is_staff or m.author_id = uid then
           not exists (select 1 from public.conversation_participants as p
                        where p.conversation_id = list_messages.conversation_id and p.user_id is distinct from m.author_id
                          and (p.last_read_at is null or p.last_read_at < m.created_at)) end,
         (select coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'name', d.name, 'mime_type', d.mime_type,
                                                       'size_bytes', d.size_bytes) order by d.created_at, d.id), '[]'::jsonb)
            from public.documents as d where d.message_id = m.id and d.deleted_at is null)
    from (select x.* from public.messages as x
           where x.conversation_id = list_messages.conversation_id
             and (after_at is null or (x.created_at, x.id) > (after_at, after_id))
             and (before_at is null or (x.created_at, x.id) < (before_at, before_id))
             and (message_ids is null or x.id = any (message_ids))
           order by case when after_at is null then x.created_at end desc,
                    case when after_at is null then x.id end desc,
                    x.created_at, x.id
           limit size) as m
    left join public.profiles as a on a.id = m.author_id
    left join public.messages as q on q.id = m.quoted_message_id
    left join public.profiles as qa on qa.id = q.author_id
   order by m.created_at, m.id;
end;
$$;
comment on function public.list_messages(uuid, timestamptz, uuid, timestamptz, uuid, integer, uuid[]) is
  'A page of a conversation''s messages in the database''s order, with their attachments: the newest (no cursor), those after (after_at, after_id) or before (before_at, before_id) a message, or those named by message_ids (live broadcasts). Errors: not_authenticated, session_required, mfa_required, conversation_not_found, invalid_cursor.';
grant execute on function public.list_messages(uuid, timestamptz, uuid, timestamptz, uuid, integer, uuid[]) to authenticated;
