-- Message threads as people know them from Signal or Threema Work, on the tables of
-- 20261127060000: idempotent sending under a client-generated id, quoting, editing within a short
-- window, soft deletion with an audit trail, read state per participant, German full-text search,
-- the thread list with unread counts, and who a person may write to.
--
-- send_message(conversation, id, body, quoted message, attachments) is the app's one way to write:
-- the same id returns the same message (a retry after a lost answer, a queued chat message sent on
-- reconnect, two tabs), a different text under that id is refused. Direct inserts stay possible
-- under the policies of 20261127060000, and the triggers below check them the same way.
--
-- Editing: the author changes the text within private.message_edit_window() (15 minutes) of
-- sending; deleting is possible at any time and blanks the text ("Nachricht gelöscht"). Both
-- leave the row and write an audit event (who, when, which message), never the text itself.
--
-- Read state: mark_conversation_read moves the caller's last_read_at forward (never back) and
-- marks its in-app notifications of that conversation read. Who has read a message is visible to
-- staff for every message and to clients and guests for their own messages only
-- (list_messages.read_by_all); last_read_at is therefore no longer selectable directly.

-- ---------------------------------------------------------------------------------------------
-- Columns, search and indexes
-- ---------------------------------------------------------------------------------------------

alter table public.messages
  add column quoted_message_id uuid references public.messages (id) on delete set null,
  add column search_vector tsvector generated always as (to_tsvector('german', body)) stored,
  add column event text check (event in ('chat_taken', 'chat_closed')),
  add constraint messages_events_have_no_text check (event is null or body = '');
comment on column public.messages.quoted_message_id is 'The earlier message of the same conversation this one quotes.';
comment on column public.messages.event is 'Chat events (20261204101000) shown in words with their author (taken, closed); null for written messages.';
create index messages_quoted_message_id_idx on public.messages (quoted_message_id);
create index messages_search_vector_idx on public.messages using gin (search_vector);

alter table public.conversations
  add column subject_search_vector tsvector generated always as (to_tsvector('german', coalesce(subject, ''))) stored;
create index conversations_subject_search_vector_idx on public.conversations using gin (subject_search_vector);
-- The list's order: newest activity first, by kind.
create index conversations_kind_activity_idx on public.conversations (kind, (coalesce(last_message_at, created_at)) desc, id desc);

-- Clients and guests must not read when others have read (staff may): the column leaves the
-- table's select grant; the RPCs below answer with what each caller may know.
revoke select on public.conversation_participants from authenticated;
grant select (conversation_id, user_id, joined_at) on public.conversation_participants to authenticated;

create function private.message_edit_window()
returns interval
language sql
stable
set search_path = ''
as $$
  select interval '15 minutes'
$$;
comment on function private.message_edit_window() is 'How long after sending its author may still change a message''s text.';

-- ---------------------------------------------------------------------------------------------
-- Integrity: quotes stay inside their conversation, edits inside the window, changes audited
-- ---------------------------------------------------------------------------------------------

create function private.check_message_quote()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.quoted_message_id is not null and not exists (
       select 1 from public.messages as q
        where q.id = new.quoted_message_id and q.conversation_id = new.conversation_id and q.id <> new.id) then
    raise exception using errcode = 'P0001', message = 'quoted_message_not_found',
      detail = 'A message quotes an earlier message of its own conversation.';
  end if;
  return new;
end;
$$;

create trigger messages_check_quote
  before insert or update of quoted_message_id on public.messages
  for each row execute function private.check_message_quote();

-- Runs before messages_guard_change (names sort), which stamps edited_at and blanks deletions.
create function private.check_message_edit_window()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.deleted_at is null and old.deleted_at is null and new.body is distinct from old.body
     and old.created_at < now() - private.message_edit_window() then
    raise exception using errcode = 'P0001', message = 'edit_window_passed',
      detail = 'A message can be changed for 15 minutes after sending; it can still be deleted.';
  end if;
  if new.quoted_message_id is distinct from old.quoted_message_id then
    raise exception using errcode = 'P0001', message = 'quote_unchangeable';
  end if;
  return new;
end;
$$;

create trigger messages_edit_window
  before update on public.messages
  for each row execute function private.check_message_edit_window();

create function private.audit_message_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.deleted_at is not null and old.deleted_at is null then
    perform private.audit('message.deleted', 'message', new.id::text,
      jsonb_build_object('conversation_id', new.conversation_id, 'author_id', new.author_id, 'created_at', new.created_at));
  elsif new.edited_at is distinct from old.edited_at then
    perform private.audit('message.edited', 'message', new.id::text,
      jsonb_build_object('conversation_id', new.conversation_id, 'author_id', new.author_id));
  end if;
  return null;
end;
$$;

create trigger messages_audit_changes
  after update on public.messages
  for each row execute function private.audit_message_change();

-- ---------------------------------------------------------------------------------------------
-- Sending
-- ---------------------------------------------------------------------------------------------

create function private.message_text(body text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if char_length(coalesce(body, '')) > 20000 then
    raise exception using errcode = 'P0001', message = 'body_too_long', detail = 'At most 20,000 characters.';
  end if;
  return btrim(coalesce(body, ''), E' \t\r\n');
end;
$$;

-- The participant rows a caller writes and reads through: its own, in a conversation it still has
-- access to (a removed guest, a client user who left the client, an ended chat's staff keep none).
create function private.require_participation(conversation_id uuid)
returns public.conversations
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  conversation public.conversations%rowtype;
begin
  select c.* into conversation from public.conversations as c
   where c.id = require_participation.conversation_id
     and c.id in (select private.my_conversation_ids());
  if not found then
    raise exception using errcode = 'P0001', message = 'conversation_not_found';
  end if;
  return conversation;
end;
$$;

create function public.send_message(
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
  if coalesce(cardinality(attachment_ids), 0) > 0 then
    raise exception using errcode = 'P0001', message = 'attachment_not_found';
  end if;

  -- Messages of one conversation are stamped one after another under its row lock (the activity
  -- trigger takes it anyway), so created_at order is commit order and a reader catching up after
  -- (created_at, id) never skips a message that committed late.
  perform 1 from public.conversations as c where c.id = conversation.id for no key update;
  insert into public.messages (id, conversation_id, author_id, body, quoted_message_id, created_at)
  values (send_message.message_id, conversation.id, uid, text_to_send, send_message.quoted_message_id, clock_timestamp())
  on conflict (id) do nothing
  returning * into sent;
  if not found then
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
  'Sends a message into a conversation the caller takes part in, under an id the app generated: the same id returns the same message. Errors: not_authenticated, session_required, mfa_required, message_id_required, conversation_not_found, body_required, body_too_long, quoted_message_not_found, message_id_conflict, attachment_not_found.';

-- ---------------------------------------------------------------------------------------------
-- Read state
-- ---------------------------------------------------------------------------------------------

create function public.mark_conversation_read(conversation_id uuid, up_to timestamptz default null)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  read_until timestamptz := least(coalesce(up_to, now()), now());
  previous timestamptz;
begin
  perform private.require_participation(mark_conversation_read.conversation_id);
  select p.last_read_at into previous from public.conversation_participants as p
   where p.conversation_id = mark_conversation_read.conversation_id and p.user_id = uid
   for update;
  if previous is not null and previous >= read_until then
    return previous;
  end if;
  update public.conversation_participants as p set last_read_at = read_until
   where p.conversation_id = mark_conversation_read.conversation_id and p.user_id = uid;
  update public.notifications as n set read_at = now()
   where n.user_id = uid and n.entity_type = 'conversation' and n.entity_id = mark_conversation_read.conversation_id
     and n.read_at is null;
  perform realtime.send(jsonb_build_object('conversation_id', mark_conversation_read.conversation_id), 'read',
    'conversation:' || mark_conversation_read.conversation_id, true);
  return read_until;
end;
$$;
comment on function public.mark_conversation_read(uuid, timestamptz) is
  'Marks a conversation read up to a time (default now; never backwards) for the caller, with its in-app notifications, and tells the conversation topic that read marks moved (not whose). Errors: not_authenticated, session_required, mfa_required, conversation_not_found.';

-- ---------------------------------------------------------------------------------------------
-- Reading: one conversation's messages, the list of conversations, the unread badge
-- ---------------------------------------------------------------------------------------------

-- Messages in the database's order, a page at a time: newer than a cursor (catching up after a
-- reconnect), older than one (scrolling back), or the ones a broadcast named (message_ids).
-- read_by_all: every participant but its author has read it; told to staff for every message and
-- to others for their own (null otherwise).
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
  quoted_body text, read_by_all boolean
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
                          and (p.last_read_at is null or p.last_read_at < m.created_at)) end
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
  'A page of a conversation''s messages in the database''s order: the newest (no cursor), those after (after_at, after_id) or before (before_at, before_id) a message, or those named by message_ids (live broadcasts). Errors: not_authenticated, session_required, mfa_required, conversation_not_found, invalid_cursor.';

-- Security definer with the caller's scope spelled out (as list_tickets does): under RLS the
-- planner may not use the GIN indexes (`@@` is not leakproof).
create function public.list_conversations(
  kind text default 'thread',
  search text default null,
  scope text default 'mine',
  before_at timestamptz default null,
  before_id uuid default null,
  page_size integer default 25
)
returns table (
  id uuid, subject text, client_id uuid, client_name text, matter_id uuid, matter_title text,
  participants jsonb, activity_at timestamptz, is_participant boolean, preview text, preview_author_name text,
  preview_deleted boolean, unread_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  caller_is_staff boolean := private.user_is_staff(uid);
  search_query tsquery;
  size integer := least(greatest(coalesce(page_size, 25), 1), 100);
begin
  if list_conversations.kind is null or list_conversations.kind not in ('thread', 'chat') then
    raise exception using errcode = 'P0001', message = 'invalid_kind';
  end if;
  if scope is null or scope not in ('mine', 'all') or (scope = 'all' and not caller_is_staff) then
    raise exception using errcode = 'P0001', message = 'invalid_scope', detail = 'Only staff list every conversation.';
  end if;
  if (before_at is null) <> (before_id is null) then
    raise exception using errcode = 'P0001', message = 'invalid_cursor';
  end if;
  if nullif(btrim(coalesce(search, '')), '') is not null then
    search_query := websearch_to_tsquery('german', search);
  end if;

  return query
  with visible as (
    select c.*, coalesce(c.last_message_at, c.created_at) as activity
      from public.conversations as c
     where c.kind = list_conversations.kind
       and (scope = 'all' or c.id in (select private.my_conversation_ids()))
       and (before_at is null or (coalesce(c.last_message_at, c.created_at), c.id) < (before_at, before_id))
       and (search_query is null
            or c.subject_search_vector @@ search_query
            or (c.id in (select private.my_conversation_ids())
                and exists (select 1 from public.messages as s where s.conversation_id = c.id and s.search_vector @@ search_query)))
     order by coalesce(c.last_message_at, c.created_at) desc, c.id desc
     limit size
  )
  select v.id, v.subject, v.client_id, cl.name, v.matter_id, mt.title,
         (select coalesce(jsonb_agg(jsonb_build_object('id', p.user_id, 'display_name', pr.display_name,
                                                       'is_staff', private.user_is_staff(p.user_id)) order by pr.display_name), '[]'::jsonb)
            from public.conversation_participants as p join public.profiles as pr on pr.id = p.user_id
           where p.conversation_id = v.id),
         v.activity, me.user_id is not null,
         case when me.user_id is not null then left(last.body, 140) end,
         case when me.user_id is not null then la.display_name end,
         case when me.user_id is not null then last.deleted_at is not null end,
         case when me.user_id is not null then
           (select count(*)::integer from public.messages as u
             where u.conversation_id = v.id and u.author_id is distinct from uid and u.deleted_at is null
               and (me.last_read_at is null or u.created_at > me.last_read_at))
         else 0 end
    from visible as v
    join public.clients as cl on cl.id = v.client_id
    left join public.matters as mt on mt.id = v.matter_id
    left join public.conversation_participants as me on me.conversation_id = v.id and me.user_id = uid
    left join lateral (select m.body, m.author_id, m.deleted_at from public.messages as m
                        where m.conversation_id = v.id order by m.created_at desc, m.id desc limit 1) as last on true
    left join public.profiles as la on la.id = last.author_id
   order by v.activity desc, v.id desc;
end;
$$;
comment on function public.list_conversations(text, text, text, timestamptz, uuid, integer) is
  'A page of threads or chats, newest activity first (keyset: before_at, before_id): the caller''s own (scope mine) or, for staff, all (scope all); German full-text search in subjects and, where the caller takes part, in the messages. Previews and unread counts only for participants. Errors: not_authenticated, session_required, mfa_required, invalid_kind, invalid_scope, invalid_cursor.';

create function public.my_unread_message_count()
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer
    from public.conversation_participants as p
    join public.messages as m on m.conversation_id = p.conversation_id
   where p.user_id = private.require_access()
     and p.conversation_id in (select private.my_conversation_ids())
     and m.author_id is distinct from p.user_id and m.deleted_at is null
     and (p.last_read_at is null or m.created_at > p.last_read_at)
$$;
comment on function public.my_unread_message_count() is
  'How many messages (threads and chats) the caller has not read yet: the navigation badge. Errors: not_authenticated, session_required, mfa_required.';

-- ---------------------------------------------------------------------------------------------
-- Who a person may write to
-- ---------------------------------------------------------------------------------------------

-- A guest writes to the firm (staff); a client user also to the other users of its client and, in
-- a matter, to the guests it brought in; staff to a client's users, a matter's guests and
-- colleagues. The trigger below holds every participant insert to the same rule.
create function public.message_recipients(client_id uuid default null, matter_id uuid default null)
returns table (id uuid, display_name text, kind text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  scope_client uuid := message_recipients.client_id;
  speaks_for_client boolean;
begin
  if message_recipients.matter_id is not null then
    if not private.user_can_access_matter(uid, message_recipients.matter_id) then
      raise exception using errcode = 'P0001', message = 'matter_not_found';
    end if;
    select m.client_id into scope_client from public.matters as m where m.id = message_recipients.matter_id;
  elsif scope_client is not null and not (private.user_is_staff(uid) or private.user_is_client_member(uid, scope_client)) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;
  speaks_for_client := private.user_is_staff(uid) or private.user_is_client_member(uid, scope_client);

  return query
  select r.id, pr.display_name, r.kind
    from (select s.user_id as id, 'staff'::text as kind from public.staff as s
          union
          select cm.user_id, 'client' from public.client_members as cm
           where speaks_for_client and cm.client_id = scope_client
          union
          select mm.user_id, 'guest' from public.matter_members as mm
           where speaks_for_client and mm.matter_id = message_recipients.matter_id and mm.role = 'guest') as r
    join public.profiles as pr on pr.id = r.id
   where r.id <> uid
   order by r.kind = 'staff', pr.display_name;
end;
$$;
comment on function public.message_recipients(uuid, uuid) is
  'The people the caller may address in a new thread of a client or matter: the firm for guests; also the client''s other users and the matter''s guests for client users and staff. Errors: not_authenticated, session_required, mfa_required, client_not_found, matter_not_found.';

create function private.require_message_recipients()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Guests add only the firm; client users and staff anyone the scope check of 20261127060000
  -- lets see the conversation.
  if auth.uid() is null or new.user_id = auth.uid() or private.user_is_staff(auth.uid()) or private.user_is_staff(new.user_id)
     or private.user_is_client_member(auth.uid(), (select c.client_id from public.conversations as c where c.id = new.conversation_id)) then
    return new;
  end if;
  raise exception using errcode = 'P0001', message = 'participant_not_allowed',
    detail = 'Guests write to the firm; the client and the firm bring in others.';
end;
$$;

create trigger conversation_participants_guests_write_to_the_firm
  before insert on public.conversation_participants
  for each row execute function private.require_message_recipients();

grant execute on function private.message_edit_window() to authenticated;
grant execute on function public.send_message(uuid, uuid, text, uuid, uuid[]), public.mark_conversation_read(uuid, timestamptz),
  public.list_messages(uuid, timestamptz, uuid, timestamptz, uuid, integer, uuid[]),
  public.list_conversations(text, text, text, timestamptz, uuid, integer), public.my_unread_message_count(),
  public.message_recipients(uuid, uuid) to authenticated;
