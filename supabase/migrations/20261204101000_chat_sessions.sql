-- Live chat: a client user starts or resumes its chat with the firm; staff see every open chat
-- with its waiting time and take one ("Jonas Becker hat den Chat übernommen"); office hours tell a
-- client when nobody is there (outside them no new chat starts: the app offers a message thread).
--
-- A chat is a conversation of kind 'chat' (20261127060000) with a status: waiting (nobody has
-- taken it), active (a staff member took it), closed (ended by either side; a new start opens a
-- new chat). One open chat per client user. Taking and closing are written into the chat as event
-- messages (messages.event of 20261204100000, empty body), so both sides see them in order and
-- live. Messages into a closed chat are refused (chat_closed), for RPCs and direct inserts alike.
--
-- Staff learn of waiting chats without polling: `chat_activity {conversation_id, kind}` on every
-- staff member's user:<id> topic when a chat starts waiting, when its client writes while nobody
-- has taken it, when it is taken and when it is closed (content-free: the list refetches).
--
-- Office hours: ops.chat_office_hours (ISO weekday, opens, closes; Europe/Berlin), Monday to
-- Friday 08:00–18:00 by default; admins change them with set_chat_office_hours.

-- ---------------------------------------------------------------------------------------------
-- Status and events
-- ---------------------------------------------------------------------------------------------

alter table public.conversations
  add column chat_status text check (chat_status in ('waiting', 'active', 'closed')),
  add column assigned_to uuid references public.profiles (id) on delete set null,
  add column taken_at    timestamptz,
  add column closed_at   timestamptz;
update public.conversations set chat_status = 'waiting' where kind = 'chat';
alter table public.conversations
  add constraint conversations_chats_have_a_status check ((kind = 'chat') = (chat_status is not null));
comment on column public.conversations.chat_status is 'Chats only: waiting (nobody took it), active (taken by assigned_to), closed.';
create index conversations_open_chats_idx on public.conversations (created_at) where kind = 'chat' and chat_status <> 'closed';
create index conversations_assigned_to_idx on public.conversations (assigned_to);
-- start_or_resume_chat finds the caller's open chat by its creator.
create index conversations_open_chat_by_creator_idx on public.conversations (created_by) where kind = 'chat' and chat_status <> 'closed';


create function private.default_chat_status()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.kind = 'chat' and new.chat_status is null then
    new.chat_status := 'waiting';
  end if;
  return new;
end;
$$;

create trigger conversations_default_chat_status
  before insert on public.conversations
  for each row execute function private.default_chat_status();

create function private.refuse_messages_into_closed_chats()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.event is null and exists (select 1 from public.conversations as c
                                    where c.id = new.conversation_id and c.chat_status = 'closed') then
    raise exception using errcode = 'P0001', message = 'chat_closed',
      detail = 'This chat has ended; a new one can be started.';
  end if;
  return new;
end;
$$;

create trigger messages_refuse_closed_chats
  before insert on public.messages
  for each row execute function private.refuse_messages_into_closed_chats();

-- Events are not edited or deleted; only the author's written messages are (20261127060000).
create function private.refuse_event_changes()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.event is not null then
    raise exception using errcode = 'P0001', message = 'message_not_editable';
  end if;
  return new;
end;
$$;

create trigger messages_events_stay
  before update on public.messages
  for each row execute function private.refuse_event_changes();

-- ---------------------------------------------------------------------------------------------
-- Telling staff
-- ---------------------------------------------------------------------------------------------

create function private.announce_chat_activity(conversation_id uuid, kind text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  select realtime.send(jsonb_build_object('conversation_id', announce_chat_activity.conversation_id,
                                          'kind', announce_chat_activity.kind, 'at', now()),
                       'chat_activity', 'user:' || s.user_id, true)
    from public.staff as s
$$;
comment on function private.announce_chat_activity(uuid, text) is
  'Sends chat_activity {conversation_id, kind, at} to every staff member''s user topic (kinds: waiting, message, taken, closed).';

create function private.announce_waiting_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.event is null and not private.user_is_staff(new.author_id)
     and exists (select 1 from public.conversations as c where c.id = new.conversation_id and c.chat_status = 'waiting') then
    perform private.announce_chat_activity(new.conversation_id, 'message');
  end if;
  return null;
end;
$$;

create trigger messages_announce_waiting_chats
  after insert on public.messages
  for each row execute function private.announce_waiting_chat_message();

-- ---------------------------------------------------------------------------------------------
-- Office hours
-- ---------------------------------------------------------------------------------------------

create table ops.chat_office_hours (
  weekday smallint not null check (weekday between 1 and 7),
  opens   time not null,
  closes  time not null,
  primary key (weekday, opens),
  constraint chat_office_hours_in_order check (opens < closes)
);
comment on table ops.chat_office_hours is 'When the firm answers live chats: ISO weekday (1 = Monday) and local times in Europe/Berlin; several spans a day allowed.';
alter table ops.chat_office_hours enable row level security;
revoke all on ops.chat_office_hours from public, anon, authenticated, service_role;
grant select on ops.chat_office_hours to service_role;
insert into ops.chat_office_hours (weekday, opens, closes)
select d, time '08:00', time '18:00' from generate_series(1, 5) as d;

create function private.chat_open_at(at timestamptz)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from ops.chat_office_hours as h
     where h.weekday = extract(isodow from chat_open_at.at at time zone 'Europe/Berlin')
       and (chat_open_at.at at time zone 'Europe/Berlin')::time >= h.opens
       and (chat_open_at.at at time zone 'Europe/Berlin')::time < h.closes)
$$;

create function public.chat_availability()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  berlin_now timestamp := now() at time zone 'Europe/Berlin';
  next_opening timestamptz;
begin
  perform private.require_access();
  -- The next span that opens after now, within the coming week.
  select min(((berlin_now::date + d) + h.opens) at time zone 'Europe/Berlin') into next_opening
    from generate_series(0, 7) as d
    join ops.chat_office_hours as h on h.weekday = extract(isodow from berlin_now::date + d)
   where (berlin_now::date + d) + h.opens > berlin_now;
  return jsonb_build_object(
    'open', private.chat_open_at(now()),
    'next_opening', next_opening,
    'hours', (select coalesce(jsonb_agg(jsonb_build_object('weekday', h.weekday, 'opens', to_char(h.opens, 'HH24:MI'),
                                                          'closes', to_char(h.closes, 'HH24:MI')) order by h.weekday, h.opens), '[]'::jsonb)
                from ops.chat_office_hours as h));
end;
$$;
comment on function public.chat_availability() is
  'Whether the firm answers live chats now, the next opening and the weekly hours (Europe/Berlin). Errors: not_authenticated, session_required, mfa_required.';

create function public.set_chat_office_hours(hours jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform private.require_access();
  if not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins set the office hours.';
  end if;
  if jsonb_typeof(hours) is distinct from 'array' then
    raise exception using errcode = 'P0001', message = 'invalid_office_hours', detail = 'A list of {weekday, opens, closes}.';
  end if;
  delete from ops.chat_office_hours where true;
  begin
    insert into ops.chat_office_hours (weekday, opens, closes)
    select (h ->> 'weekday')::smallint, (h ->> 'opens')::time, (h ->> 'closes')::time
      from jsonb_array_elements(hours) as h;
  exception when check_violation or not_null_violation or unique_violation or invalid_datetime_format
                 or datetime_field_overflow or invalid_text_representation then
    raise exception using errcode = 'P0001', message = 'invalid_office_hours',
      detail = 'Weekday 1–7, opens before closes (HH:MM), no span twice.';
  end;
  perform private.audit('chat.office_hours_changed', 'chat_office_hours', null, jsonb_build_object('hours', hours));
  return public.chat_availability();
end;
$$;
comment on function public.set_chat_office_hours(jsonb) is
  'Admins: replaces the chat office hours ([{weekday 1–7, opens "HH:MM", closes "HH:MM"}]). Errors: not_authenticated, session_required, mfa_required, forbidden, invalid_office_hours.';

-- ---------------------------------------------------------------------------------------------
-- Starting, taking, closing, listing
-- ---------------------------------------------------------------------------------------------

create function public.start_or_resume_chat(client_id uuid default null)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  chat_client uuid := start_or_resume_chat.client_id;
  chat_id uuid;
begin
  if private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Clients start chats; staff take them.';
  end if;
  if not exists (select 1 from public.client_members as cm where cm.user_id = uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Guests write messages in their matter.';
  end if;
  if chat_client is null then
    select min(cm.client_id::text)::uuid into chat_client from public.client_members as cm where cm.user_id = uid
    having count(*) = 1;
    if chat_client is null then
      raise exception using errcode = 'P0001', message = 'scope_required', detail = 'Name the client this chat is for.';
    end if;
  elsif not private.user_is_client_member(uid, chat_client) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;

  -- One open chat per person; the lock makes two tabs starting at once end in the same chat.
  perform pg_advisory_xact_lock(hashtextextended('chat:' || uid::text, 0));
  select c.id into chat_id from public.conversations as c
   where c.kind = 'chat' and c.chat_status <> 'closed' and c.created_by = uid and c.client_id = chat_client;
  if chat_id is not null then
    return chat_id;
  end if;
  if not private.chat_open_at(now()) then
    raise exception using errcode = 'P0001', message = 'outside_office_hours',
      detail = 'Nobody answers chats now; write a message instead.';
  end if;
  insert into public.conversations (kind, client_id, created_by) values ('chat', chat_client, uid) returning id into chat_id;
  insert into public.conversation_participants (conversation_id, user_id) values (chat_id, uid);
  perform private.announce_chat_activity(chat_id, 'waiting');
  return chat_id;
end;
$$;
comment on function public.start_or_resume_chat(uuid) is
  'A client user''s open chat with the firm, started if there is none (only within office hours). Errors: not_authenticated, session_required, mfa_required, forbidden, scope_required, client_not_found, outside_office_hours.';

create function public.take_chat(conversation_id uuid)
returns public.conversations
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  chat public.conversations%rowtype;
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff take chats.';
  end if;
  select * into chat from public.conversations as c
   where c.id = take_chat.conversation_id and c.kind = 'chat' for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'chat_not_found';
  elsif chat.chat_status = 'closed' then
    raise exception using errcode = 'P0001', message = 'chat_closed';
  elsif chat.assigned_to = uid then
    return chat;
  end if;
  insert into public.conversation_participants (conversation_id, user_id) values (chat.id, uid) on conflict do nothing;
  update public.conversations as c set chat_status = 'active', assigned_to = uid, taken_at = now()
   where c.id = chat.id returning * into chat;
  insert into public.messages (conversation_id, author_id, body, event, created_at) values (chat.id, uid, '', 'chat_taken', clock_timestamp());
  perform private.announce_chat_activity(chat.id, 'taken');
  return chat;
end;
$$;
comment on function public.take_chat(uuid) is
  'Staff: takes a waiting chat, or takes over a colleague''s (joins it, becomes its assignee, says so in the chat). Taking one''s own again changes nothing. Errors: not_authenticated, session_required, mfa_required, forbidden, chat_not_found, chat_closed.';

create function public.close_chat(conversation_id uuid)
returns public.conversations
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  chat public.conversations%rowtype;
begin
  select * into chat from public.conversations as c
   where c.id = close_chat.conversation_id and c.kind = 'chat'
     and (private.user_is_staff(uid) or c.id in (select private.my_conversation_ids()))
   for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'chat_not_found';
  elsif chat.chat_status = 'closed' then
    return chat;
  end if;
  update public.conversations as c set chat_status = 'closed', closed_at = now()
   where c.id = chat.id returning * into chat;
  insert into public.messages (conversation_id, author_id, body, event, created_at) values (chat.id, uid, '', 'chat_closed', clock_timestamp());
  perform private.announce_chat_activity(chat.id, 'closed');
  return chat;
end;
$$;
comment on function public.close_chat(uuid) is
  'Ends a chat (its client, its participants or any staff member); closing a closed chat changes nothing. Errors: not_authenticated, session_required, mfa_required, chat_not_found.';

-- waiting_since: the client's oldest message that no staff message has answered yet.
create function public.list_open_chats()
returns table (
  id uuid, client_id uuid, client_name text, started_by uuid, started_by_name text, chat_status text,
  assigned_to uuid, assigned_name text, created_at timestamptz, last_message_at timestamptz,
  waiting_since timestamptz, is_participant boolean, unread_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff see the chat desk.';
  end if;
  return query
  select c.id, c.client_id, cl.name, c.created_by, starter.display_name, c.chat_status, c.assigned_to, assignee.display_name,
         c.created_at, c.last_message_at,
         (select min(m.created_at) from public.messages as m
           where m.conversation_id = c.id and m.event is null and not private.user_is_staff(m.author_id)
             and m.created_at > coalesce((select max(s.created_at) from public.messages as s
                                           where s.conversation_id = c.id and private.user_is_staff(s.author_id)), '-infinity')),
         me.user_id is not null,
         case when me.user_id is null then 0 else
           (select count(*)::integer from public.messages as u
             where u.conversation_id = c.id and u.author_id is distinct from uid and u.deleted_at is null
               and (me.last_read_at is null or u.created_at > me.last_read_at)) end
    from public.conversations as c
    join public.clients as cl on cl.id = c.client_id
    left join public.profiles as starter on starter.id = c.created_by
    left join public.profiles as assignee on assignee.id = c.assigned_to
    left join public.conversation_participants as me on me.conversation_id = c.id and me.user_id = uid
   where c.kind = 'chat' and c.chat_status <> 'closed'
   order by c.chat_status = 'active', c.created_at;
end;
$$;
comment on function public.list_open_chats() is
  'Staff: every waiting and active chat (waiting first, oldest first) with client, who started it, who took it, since when the client waits for an answer, and the caller''s unread count. Errors: not_authenticated, session_required, mfa_required, forbidden.';

grant execute on function public.chat_availability(), public.set_chat_office_hours(jsonb), public.start_or_resume_chat(uuid),
  public.take_chat(uuid), public.close_chat(uuid), public.list_open_chats() to authenticated;
