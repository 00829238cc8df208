-- Tickets: requests to the firm with replies, status history and staff-only internal notes.
--
-- Who sees a ticket: staff; every user of the ticket's client; guests only when the ticket
-- belongs to a matter they are in (a guest must name one of its matters to open a ticket, so a
-- guest sees the tickets it opened and those of its matters, and loses them when removed).
-- Statuses: open → pending (waiting for the client) → resolved → closed; staff move freely,
-- clients and guests may close a ticket or reopen a resolved/closed one. A client or guest reply
-- to a pending ticket reopens it. Replies to a closed ticket are refused.
-- Internal notes are invisible to clients and guests by construction: authenticated has no
-- SELECT privilege on the table and there is no SELECT policy; staff read them only through
-- read_internal_notes(ticket_id), which writes an audit event per read.

create table public.tickets (
  id          uuid primary key default gen_random_uuid(),
  number      bigint generated always as identity (start with 1001) unique,
  subject     text not null check (char_length(btrim(subject)) between 1 and 300),
  status      text not null default 'open' check (status in ('open', 'pending', 'resolved', 'closed')),
  priority    text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  category    text not null default 'general'
              check (category in ('general', 'documents', 'appointments', 'billing', 'technical')),
  client_id   uuid not null references public.clients (id) on delete cascade,
  matter_id   uuid references public.matters (id) on delete cascade,
  created_by  uuid references public.profiles (id) on delete set null,
  assignee_id uuid references public.profiles (id) on delete set null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  closed_at   timestamptz
);
comment on table public.tickets is 'Support requests of a client (optionally about one matter), numbered, with status, priority, category and a staff assignee.';
create index tickets_client_id_idx on public.tickets (client_id);
create index tickets_matter_id_idx on public.tickets (matter_id);
create index tickets_created_by_idx on public.tickets (created_by);
create index tickets_assignee_id_idx on public.tickets (assignee_id);
create index tickets_status_idx on public.tickets (status, updated_at desc);

create table public.ticket_replies (
  id         uuid primary key default gen_random_uuid(),
  ticket_id  uuid not null references public.tickets (id) on delete cascade,
  author_id  uuid default auth.uid() references public.profiles (id) on delete set null,
  body       text not null check (char_length(btrim(body)) between 1 and 20000),
  created_at timestamptz not null default now()
);
comment on table public.ticket_replies is 'The visible conversation of a ticket (client, guests and staff).';
create index ticket_replies_ticket_id_created_at_idx on public.ticket_replies (ticket_id, created_at);
create index ticket_replies_author_id_idx on public.ticket_replies (author_id);

create table public.ticket_internal_notes (
  id         uuid primary key default gen_random_uuid(),
  ticket_id  uuid not null references public.tickets (id) on delete cascade,
  author_id  uuid default auth.uid() references public.profiles (id) on delete set null,
  body       text not null check (char_length(btrim(body)) between 1 and 20000),
  created_at timestamptz not null default now()
);
comment on table public.ticket_internal_notes is 'Staff-only notes on a ticket. No client or guest can ever read them; staff read them through read_internal_notes (audited).';
create index ticket_internal_notes_ticket_id_idx on public.ticket_internal_notes (ticket_id, created_at);
create index ticket_internal_notes_author_id_idx on public.ticket_internal_notes (author_id);

create table public.ticket_status_history (
  id          bigint generated always as identity primary key,
  ticket_id   uuid not null references public.tickets (id) on delete cascade,
  from_status text,
  to_status   text not null,
  changed_by  uuid references public.profiles (id) on delete set null,
  changed_at  timestamptz not null default now()
);
comment on table public.ticket_status_history is 'Every status a ticket went through, who moved it and when (written by trigger).';
create index ticket_status_history_ticket_id_idx on public.ticket_status_history (ticket_id, changed_at);
create index ticket_status_history_changed_by_idx on public.ticket_status_history (changed_by);

create trigger tickets_touch_updated_at before update on public.tickets
  for each row execute function private.touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Helpers and integrity
-- ---------------------------------------------------------------------------------------------

create function private.user_can_see_ticket(user_id uuid, ticket_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.tickets as t
     where t.id = user_can_see_ticket.ticket_id
       and (private.user_is_staff(user_can_see_ticket.user_id)
            or private.user_is_client_member(user_can_see_ticket.user_id, t.client_id)
            or (t.matter_id is not null and private.user_can_access_matter(user_can_see_ticket.user_id, t.matter_id)))
  )
$$;

create function private.my_ticket_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select t.id from public.tickets as t
   where t.client_id in (select private.my_client_ids())
      or t.matter_id in (select private.my_matter_ids())
$$;
comment on function private.my_ticket_ids() is 'Tickets of the caller''s clients and of the matters it is a guest in.';

create function private.ticket_participant_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select t.created_by from public.tickets as t where t.id in (select private.my_ticket_ids())
  union
  select t.assignee_id from public.tickets as t where t.id in (select private.my_ticket_ids())
  union
  select r.author_id from public.ticket_replies as r where r.ticket_id in (select private.my_ticket_ids())
$$;

grant execute on function private.my_ticket_ids(), private.ticket_participant_ids() to authenticated;

create function private.check_ticket_scope()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.matter_id is not null then
    select m.client_id into new.client_id from public.matters as m where m.id = new.matter_id;
  end if;
  if new.assignee_id is not null and not private.user_is_staff(new.assignee_id) then
    raise exception using errcode = 'P0001', message = 'assignee_not_staff';
  end if;
  return new;
end;
$$;

create trigger tickets_check_scope
  before insert or update of matter_id, client_id, assignee_id on public.tickets
  for each row execute function private.check_ticket_scope();

create function private.record_ticket_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into public.ticket_status_history (ticket_id, from_status, to_status, changed_by)
    values (new.id, case when tg_op = 'UPDATE' then old.status end, new.status, auth.uid());
  end if;
  return null;
end;
$$;

create trigger tickets_record_status
  after insert or update of status on public.tickets
  for each row execute function private.record_ticket_status();

create function private.stamp_ticket_closure()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.closed_at := case when new.status = 'closed' then coalesce(old.closed_at, now()) end;
  return new;
end;
$$;

create trigger tickets_stamp_closure
  before update of status on public.tickets
  for each row execute function private.stamp_ticket_closure();

-- Closed tickets take no replies; a client's or guest's answer to a pending ticket reopens it.
create function private.apply_ticket_reply()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  current_status text;
begin
  select t.status into current_status from public.tickets as t where t.id = new.ticket_id for update;
  if current_status = 'closed' then
    raise exception using errcode = 'P0001', message = 'ticket_closed', hint = 'Reopen the ticket first.';
  end if;
  if current_status = 'pending' and not private.user_is_staff(new.author_id) then
    update public.tickets as t set status = 'open' where t.id = new.ticket_id;
  else
    update public.tickets as t set updated_at = now() where t.id = new.ticket_id;
  end if;
  return new;
end;
$$;

create trigger ticket_replies_apply
  before insert on public.ticket_replies
  for each row execute function private.apply_ticket_reply();

-- ---------------------------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------------------------

alter table public.tickets enable row level security;
alter table public.ticket_replies enable row level security;
alter table public.ticket_internal_notes enable row level security;
alter table public.ticket_status_history enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.tickets as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all tickets"
  on public.tickets for select to authenticated
  using ((select private.is_staff()));
create policy "Client users and guests can read their tickets"
  on public.tickets for select to authenticated
  using (id in (select private.my_ticket_ids()));
create policy "Staff can triage tickets"
  on public.tickets for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));

create policy "Only sessions that passed the second factor get access"
  on public.ticket_replies as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all ticket replies"
  on public.ticket_replies for select to authenticated
  using ((select private.is_staff()));
create policy "Client users and guests can read the replies of their tickets"
  on public.ticket_replies for select to authenticated
  using (ticket_id in (select private.my_ticket_ids()));
create policy "Staff can reply to any ticket"
  on public.ticket_replies for insert to authenticated
  with check (author_id = (select auth.uid()) and (select private.is_staff()));
create policy "Client users and guests can reply to their tickets"
  on public.ticket_replies for insert to authenticated
  with check (author_id = (select auth.uid()) and ticket_id in (select private.my_ticket_ids()));

create policy "Only sessions that passed the second factor get access"
  on public.ticket_internal_notes as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can write internal notes"
  on public.ticket_internal_notes for insert to authenticated
  with check (author_id = (select auth.uid()) and (select private.is_staff()));

create policy "Only sessions that passed the second factor get access"
  on public.ticket_status_history as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all ticket status history"
  on public.ticket_status_history for select to authenticated
  using ((select private.is_staff()));
create policy "Client users and guests can read their tickets' history"
  on public.ticket_status_history for select to authenticated
  using (ticket_id in (select private.my_ticket_ids()));

create policy "Ticket readers can read profiles of people on their tickets"
  on public.profiles for select to authenticated
  using (id in (select private.ticket_participant_ids()));

revoke all on public.tickets, public.ticket_replies, public.ticket_internal_notes, public.ticket_status_history
  from anon, authenticated;
grant all on public.tickets, public.ticket_replies, public.ticket_internal_notes, public.ticket_status_history
  to service_role;
grant select on public.tickets to authenticated;
grant update (subject, priority, category, assignee_id) on public.tickets to authenticated;
grant select, insert on public.ticket_replies to authenticated;
grant insert on public.ticket_internal_notes to authenticated;
grant select on public.ticket_status_history to authenticated;

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.open_ticket(
  subject text,
  body text,
  client_id uuid default null,
  matter_id uuid default null,
  priority text default 'normal',
  category text default 'general'
)
returns public.tickets
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  scope_client uuid := open_ticket.client_id;
  created public.tickets%rowtype;
begin
  if nullif(btrim(coalesce(subject, '')), '') is null then
    raise exception using errcode = 'P0001', message = 'subject_required';
  end if;
  if nullif(btrim(coalesce(body, '')), '') is null then
    raise exception using errcode = 'P0001', message = 'body_required';
  end if;
  if priority is null or priority not in ('low', 'normal', 'high', 'urgent') then
    raise exception using errcode = 'P0001', message = 'invalid_priority';
  end if;
  if category is null or category not in ('general', 'documents', 'appointments', 'billing', 'technical') then
    raise exception using errcode = 'P0001', message = 'invalid_category';
  end if;

  if open_ticket.matter_id is not null then
    if not private.user_can_access_matter(uid, open_ticket.matter_id) then
      raise exception using errcode = 'P0001', message = 'matter_not_found';
    end if;
    select m.client_id into scope_client from public.matters as m where m.id = open_ticket.matter_id;
  elsif scope_client is null then
    -- A client user with exactly one client need not name it.
    select min(c.id::text)::uuid into scope_client from private.my_client_ids() as c(id)
    having count(*) = 1;
    if scope_client is null then
      raise exception using errcode = 'P0001', message = 'scope_required',
        detail = 'Name the client or, for guests, the matter.';
    end if;
  elsif not (private.user_is_staff(uid) or private.user_is_client_member(uid, scope_client)) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;

  insert into public.tickets (subject, priority, category, client_id, matter_id, created_by)
  values (btrim(subject), priority, category, scope_client, open_ticket.matter_id, uid)
  returning * into created;
  insert into public.ticket_replies (ticket_id, author_id, body) values (created.id, uid, body);
  return created;
end;
$$;
comment on function public.open_ticket(text, text, uuid, uuid, text, text) is
  'Opens a ticket with its first reply. Guests must name a matter. Errors: not_authenticated, mfa_required, subject_required, body_required, invalid_priority, invalid_category, scope_required, client_not_found, matter_not_found.';

create function public.set_ticket_status(ticket_id uuid, status text)
returns public.tickets
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  ticket public.tickets%rowtype;
begin
  if status is null or status not in ('open', 'pending', 'resolved', 'closed') then
    raise exception using errcode = 'P0001', message = 'invalid_status';
  end if;
  select * into ticket from public.tickets as t where t.id = set_ticket_status.ticket_id for update;
  if not found or not private.user_can_see_ticket(uid, ticket.id) then
    raise exception using errcode = 'P0001', message = 'ticket_not_found';
  end if;
  if ticket.status = set_ticket_status.status then
    raise exception using errcode = 'P0001', message = 'ticket_status_unchanged';
  end if;
  if not private.user_is_staff(uid)
     and not (set_ticket_status.status = 'closed'
              or (set_ticket_status.status = 'open' and ticket.status in ('resolved', 'closed'))) then
    raise exception using errcode = 'P0001', message = 'ticket_status_forbidden',
      detail = 'Clients and guests may close a ticket or reopen a resolved or closed one.';
  end if;
  update public.tickets as t set status = set_ticket_status.status where t.id = ticket.id returning * into ticket;
  return ticket;
end;
$$;
comment on function public.set_ticket_status(uuid, text) is
  'Moves a ticket to another status (history by trigger). Errors: not_authenticated, mfa_required, invalid_status, ticket_not_found, ticket_status_unchanged, ticket_status_forbidden.';

create function public.read_internal_notes(ticket_id uuid)
returns table (id uuid, author_id uuid, body text, created_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not exists (select 1 from public.tickets as t where t.id = read_internal_notes.ticket_id) then
    raise exception using errcode = 'P0001', message = 'ticket_not_found';
  end if;
  perform private.audit('ticket.internal_notes_read', 'ticket', read_internal_notes.ticket_id::text);
  return query
    select n.id, n.author_id, n.body, n.created_at
      from public.ticket_internal_notes as n
     where n.ticket_id = read_internal_notes.ticket_id
     order by n.created_at;
end;
$$;
comment on function public.read_internal_notes(uuid) is
  'Staff only: the internal notes of a ticket; every call is audited. Errors: not_authenticated, mfa_required, forbidden, ticket_not_found.';

grant execute on function
  public.open_ticket(text, text, uuid, uuid, text, text), public.set_ticket_status(uuid, text),
  public.read_internal_notes(uuid)
  to authenticated;
