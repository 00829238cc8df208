-- Conversations: asynchronous message threads (with a subject) and live chats, each for one
-- client and optionally one of its matters; participants with their read state; messages.
--
-- Only participants read a conversation's participants and messages, and only while they still
-- have access to its client or matter (a guest removed from a matter stops reading its threads at
-- once, even though the participant row remains). Staff see that every conversation exists and
-- may join any of them; to read the messages they join. Anyone who may see the conversation's
-- client or matter may be added by a participant. Messages are edited and deleted by their
-- author only; deletion is soft (body blanked, deleted_at set) and final.
-- Conversations are started through start_conversation (conversation, participants and the first
-- message in one step). Attachments (message_attachments) come with documents in 20261127080000.

create table public.conversations (
  id              uuid primary key default gen_random_uuid(),
  kind            text not null check (kind in ('thread', 'chat')),
  subject         text check (char_length(btrim(subject)) between 1 and 300),
  client_id       uuid not null references public.clients (id) on delete cascade,
  matter_id       uuid references public.matters (id) on delete cascade,
  created_by      uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at      timestamptz not null default now(),
  last_message_at timestamptz,
  constraint conversations_threads_have_a_subject check (kind = 'chat' or subject is not null)
);
comment on table public.conversations is 'Message threads (with subject) and live chats of one client, optionally within one of its matters.';
create index conversations_client_id_idx on public.conversations (client_id);
create index conversations_matter_id_idx on public.conversations (matter_id);
create index conversations_created_by_idx on public.conversations (created_by);
create index conversations_last_message_at_idx on public.conversations (last_message_at desc nulls last);

create table public.conversation_participants (
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  user_id         uuid not null references public.profiles (id) on delete cascade,
  joined_at       timestamptz not null default now(),
  last_read_at    timestamptz,
  primary key (conversation_id, user_id)
);
comment on table public.conversation_participants is 'Who takes part in a conversation, and up to when each has read it.';
create index conversation_participants_user_id_idx on public.conversation_participants (user_id);

create table public.messages (
  id              uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  author_id       uuid default auth.uid() references public.profiles (id) on delete set null,
  body            text not null check (char_length(body) <= 20000),
  created_at      timestamptz not null default now(),
  edited_at       timestamptz,
  deleted_at      timestamptz
);
comment on table public.messages is 'Messages of a conversation. edited_at marks edits; deleted_at marks a soft deletion (body blanked).';
create index messages_conversation_id_created_at_idx on public.messages (conversation_id, created_at);
create index messages_author_id_idx on public.messages (author_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers and integrity
-- ---------------------------------------------------------------------------------------------

create function private.user_can_access_conversation_scope(user_id uuid, conversation_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.conversations as c
     where c.id = user_can_access_conversation_scope.conversation_id
       and (private.user_is_staff(user_can_access_conversation_scope.user_id)
            or (c.matter_id is null and private.user_is_client_member(user_can_access_conversation_scope.user_id, c.client_id))
            or (c.matter_id is not null and private.user_can_access_matter(user_can_access_conversation_scope.user_id, c.matter_id)))
  )
$$;

create function private.my_conversation_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select c.id
    from public.conversations as c
    join public.conversation_participants as p on p.conversation_id = c.id and p.user_id = auth.uid()
   where private.is_staff()
      or (c.matter_id is null and c.client_id in (select private.my_client_ids()))
      or c.matter_id in (select private.my_matter_ids())
$$;
comment on function private.my_conversation_ids() is 'Conversations the caller takes part in and still has access to.';

create function private.conversation_co_participant_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.user_id from public.conversation_participants as p
   where p.conversation_id in (select private.my_conversation_ids())
$$;

grant execute on function private.my_conversation_ids(), private.conversation_co_participant_ids() to authenticated;

-- A matter's conversation belongs to the matter's client.
create function private.align_conversation_client()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.matter_id is not null then
    select m.client_id into new.client_id from public.matters as m where m.id = new.matter_id;
  end if;
  return new;
end;
$$;

create trigger conversations_align_client
  before insert or update of matter_id, client_id on public.conversations
  for each row execute function private.align_conversation_client();

create function private.check_conversation_participant()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.user_can_access_conversation_scope(new.user_id, new.conversation_id) then
    raise exception using errcode = 'P0001', message = 'participant_not_allowed',
      detail = 'Only people who may see the conversation''s client or matter can take part.';
  end if;
  return new;
end;
$$;

create trigger conversation_participants_check_access
  before insert on public.conversation_participants
  for each row execute function private.check_conversation_participant();

create function private.guard_message_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.deleted_at is not null then
    raise exception using errcode = 'P0001', message = 'message_deleted';
  end if;
  if new.deleted_at is not null then
    new.deleted_at := now();
    new.body := '';
  elsif new.body is distinct from old.body then
    new.edited_at := now();
  end if;
  return new;
end;
$$;

create trigger messages_guard_change
  before update on public.messages
  for each row execute function private.guard_message_change();

create function private.bump_conversation_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.conversations as c set last_message_at = new.created_at where c.id = new.conversation_id;
  return null;
end;
$$;

create trigger messages_bump_conversation_activity
  after insert on public.messages
  for each row execute function private.bump_conversation_activity();

-- ---------------------------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------------------------

alter table public.conversations enable row level security;
alter table public.conversation_participants enable row level security;
alter table public.messages enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.conversations as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can see every conversation to join it"
  on public.conversations for select to authenticated
  using ((select private.is_staff()));
create policy "Participants can read their conversations"
  on public.conversations for select to authenticated
  using (id in (select private.my_conversation_ids()));
create policy "Participants can rename their conversations"
  on public.conversations for update to authenticated
  using (id in (select private.my_conversation_ids()))
  with check (id in (select private.my_conversation_ids()));

create policy "Only sessions that passed the second factor get access"
  on public.conversation_participants as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all participants"
  on public.conversation_participants for select to authenticated
  using ((select private.is_staff()));
create policy "Participants can read who takes part in their conversations"
  on public.conversation_participants for select to authenticated
  using (conversation_id in (select private.my_conversation_ids()));
create policy "Staff can join any conversation"
  on public.conversation_participants for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.is_staff()));
create policy "Participants can add people who may see the conversation"
  on public.conversation_participants for insert to authenticated
  with check (conversation_id in (select private.my_conversation_ids()));
create policy "Participants can mark their conversations as read"
  on public.conversation_participants for update to authenticated
  using (user_id = (select auth.uid()) and conversation_id in (select private.my_conversation_ids()))
  with check (user_id = (select auth.uid()));
create policy "Participants can leave a conversation"
  on public.conversation_participants for delete to authenticated
  using (user_id = (select auth.uid()));
create policy "Staff can remove participants"
  on public.conversation_participants for delete to authenticated
  using ((select private.is_staff()));

create policy "Only sessions that passed the second factor get access"
  on public.messages as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Participants can read the messages of their conversations"
  on public.messages for select to authenticated
  using (conversation_id in (select private.my_conversation_ids()));
create policy "Participants can write messages as themselves"
  on public.messages for insert to authenticated
  with check (author_id = (select auth.uid()) and conversation_id in (select private.my_conversation_ids()));
create policy "Authors can edit and delete their own messages"
  on public.messages for update to authenticated
  using (author_id = (select auth.uid()) and conversation_id in (select private.my_conversation_ids()))
  with check (author_id = (select auth.uid()));

create policy "Participants can read the profiles of the people they talk to"
  on public.profiles for select to authenticated
  using (id in (select private.conversation_co_participant_ids()));

revoke all on public.conversations, public.conversation_participants, public.messages from anon, authenticated;
grant all on public.conversations, public.conversation_participants, public.messages to service_role;
grant select on public.conversations to authenticated;
grant update (subject) on public.conversations to authenticated;
grant select, insert, delete on public.conversation_participants to authenticated;
grant update (last_read_at) on public.conversation_participants to authenticated;
grant select, insert on public.messages to authenticated;
grant update (body, deleted_at) on public.messages to authenticated;

-- ---------------------------------------------------------------------------------------------
-- start_conversation
-- ---------------------------------------------------------------------------------------------

create function public.start_conversation(
  kind text,
  subject text,
  client_id uuid default null,
  matter_id uuid default null,
  participant_ids uuid[] default '{}',
  first_message text default null
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  scope_client uuid := start_conversation.client_id;
  new_id uuid;
  participant uuid;
begin
  if kind is null or kind not in ('thread', 'chat') then
    raise exception using errcode = 'P0001', message = 'invalid_kind';
  end if;
  if kind = 'thread' and nullif(btrim(coalesce(subject, '')), '') is null then
    raise exception using errcode = 'P0001', message = 'subject_required';
  end if;
  if start_conversation.matter_id is not null then
    if not private.user_can_access_matter(uid, start_conversation.matter_id) then
      raise exception using errcode = 'P0001', message = 'matter_not_found';
    end if;
    select m.client_id into scope_client from public.matters as m where m.id = start_conversation.matter_id;
  elsif scope_client is null then
    raise exception using errcode = 'P0001', message = 'scope_required',
      detail = 'A conversation belongs to a client or to a matter.';
  elsif not (private.user_is_staff(uid) or private.user_is_client_member(uid, scope_client)) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;

  insert into public.conversations (kind, subject, client_id, matter_id, created_by)
  values (kind, nullif(btrim(coalesce(subject, '')), ''), scope_client, start_conversation.matter_id, uid)
  returning id into new_id;

  insert into public.conversation_participants (conversation_id, user_id) values (new_id, uid);
  foreach participant in array coalesce(participant_ids, '{}') loop
    if participant is distinct from uid then
      if not private.user_can_access_conversation_scope(participant, new_id) then
        raise exception using errcode = 'P0001', message = 'participant_not_allowed',
          detail = format('User %s may not see this conversation''s client or matter.', participant);
      end if;
      insert into public.conversation_participants (conversation_id, user_id) values (new_id, participant)
      on conflict do nothing;
    end if;
  end loop;

  if nullif(btrim(coalesce(first_message, '')), '') is not null then
    insert into public.messages (conversation_id, author_id, body) values (new_id, uid, first_message);
  end if;
  return new_id;
end;
$$;
comment on function public.start_conversation(text, text, uuid, uuid, uuid[], text) is
  'Starts a thread or chat for a client or a matter with participants and an optional first message. Errors: not_authenticated, mfa_required, invalid_kind, subject_required, scope_required, client_not_found, matter_not_found, participant_not_allowed.';
grant execute on function public.start_conversation(text, text, uuid, uuid, uuid[], text) to authenticated;
