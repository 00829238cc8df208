-- Tickets as a helpdesk works them: who the ticket is for, when something last happened, what each
-- person has seen, and a history of triage changes.
--
-- * requester_id: the person the ticket is for. The opener for clients and guests; a user of the
--   client (or a guest of the matter) whom staff name when they open a ticket on a client's behalf.
--   The requester and the assignee are the people who get mails (20261203103000).
-- * last_activity_at: the last reply, status change or assignment. Lists sort by it (newest first),
--   and a ticket is unread for a person while it is newer than what they have seen. Priority and
--   category changes are recorded but are no news for the client.
-- * idempotency_key: open_ticket with the same key by the same person returns the first ticket,
--   so a double click or a retry after a network error never creates two.
-- * ticket_reads: per person and ticket the moment they last looked (mark_ticket_seen). Whoever
--   replies, writes a note, moves the status or assigns has seen the ticket at that moment, so
--   one's own actions never mark a ticket unread. Staff also count internal notes of colleagues
--   (from ticket_internal_notes itself, never exposed to clients).
-- * ticket_field_changes: assignee, priority and category changes with who made them, for the
--   ticket's timeline in words next to ticket_status_history. Readable by the ticket's readers.
-- Indexes: lists page through (last_activity_at, id) per status, assignee, client and matter, so
-- the old single-column ones give way to composite ones that lead with the same column.

alter table public.tickets
  add column requester_id uuid references public.profiles (id) on delete set null,
  add column last_activity_at timestamptz not null default now(),
  add column idempotency_key uuid;
comment on column public.tickets.requester_id is 'The person the ticket is for (the opener, or whom staff opened it for); gets the mails.';
comment on column public.tickets.last_activity_at is 'Last reply, status change or assignment: the lists'' order and the unread state.';
comment on column public.tickets.idempotency_key is 'The opener''s client-generated key: open_ticket returns the same ticket for the same key.';

update public.tickets as t
   set requester_id = t.created_by,
       last_activity_at = greatest(t.created_at,
                                   coalesce((select max(r.created_at) from public.ticket_replies as r where r.ticket_id = t.id), t.created_at),
                                   coalesce((select max(h.changed_at) from public.ticket_status_history as h where h.ticket_id = t.id), t.created_at));

create index tickets_requester_id_idx on public.tickets (requester_id);
alter table public.tickets add constraint tickets_one_per_idempotency_key unique (created_by, idempotency_key);

drop index public.tickets_status_idx;
drop index public.tickets_assignee_id_idx;
drop index public.tickets_client_id_idx;
drop index public.tickets_matter_id_idx;
create index tickets_activity_idx on public.tickets (last_activity_at, id);
create index tickets_status_activity_idx on public.tickets (status, last_activity_at, id);
-- Per assignee in activity order for any set of statuses (status included, so counts and the
-- status filter need no table rows): the queue's "mine" and "unassigned".
create index tickets_assignee_activity_idx on public.tickets (assignee_id, last_activity_at, id) include (status);
create index tickets_client_activity_idx on public.tickets (client_id, last_activity_at, id);
create index tickets_matter_activity_idx on public.tickets (matter_id, last_activity_at, id);

create table public.ticket_reads (
  user_id    uuid not null references public.profiles (id) on delete cascade,
  ticket_id  uuid not null references public.tickets (id) on delete cascade,
  seen_at    timestamptz not null default now(),
  primary key (user_id, ticket_id)
);
comment on table public.ticket_reads is 'When each person last looked at a ticket (or acted on it): drives unread markers and the navigation badge.';
create index ticket_reads_ticket_id_idx on public.ticket_reads (ticket_id);

create table public.ticket_field_changes (
  id         bigint generated always as identity primary key,
  ticket_id  uuid not null references public.tickets (id) on delete cascade,
  field      text not null check (field in ('assignee', 'priority', 'category')),
  from_value text,
  to_value   text,
  changed_by uuid references public.profiles (id) on delete set null,
  changed_at timestamptz not null default now()
);
comment on table public.ticket_field_changes is 'Assignee, priority and category changes of a ticket, who made them and when (written by trigger).';
create index ticket_field_changes_ticket_id_idx on public.ticket_field_changes (ticket_id, changed_at);
create index ticket_field_changes_changed_by_idx on public.ticket_field_changes (changed_by);

-- ---------------------------------------------------------------------------------------------
-- Triggers: activity, read marks of the actor, triage history
-- ---------------------------------------------------------------------------------------------

-- The person acting has seen the ticket as it now is.
create function private.mark_ticket_seen_by(user_id uuid, ticket_id uuid)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.ticket_reads (user_id, ticket_id, seen_at)
  select mark_ticket_seen_by.user_id, mark_ticket_seen_by.ticket_id, now()
   where mark_ticket_seen_by.user_id is not null
     and exists (select 1 from public.profiles as p where p.id = mark_ticket_seen_by.user_id)
  on conflict on constraint ticket_reads_pkey do update set seen_at = greatest(public.ticket_reads.seen_at, excluded.seen_at)
$$;

create function private.track_ticket_activity()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status is distinct from old.status or new.assignee_id is distinct from old.assignee_id then
    new.last_activity_at := now();
  end if;
  return new;
end;
$$;

create trigger tickets_track_activity
  before update of status, assignee_id on public.tickets
  for each row execute function private.track_ticket_activity();

create function private.record_ticket_changes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.mark_ticket_seen_by(new.created_by, new.id);
    return null;
  end if;
  insert into public.ticket_field_changes (ticket_id, field, from_value, to_value, changed_by)
  select new.id, c.field, c.from_value, c.to_value, auth.uid()
    from (values ('assignee', old.assignee_id::text, new.assignee_id::text),
                 ('priority', old.priority, new.priority),
                 ('category', old.category, new.category)) as c(field, from_value, to_value)
   where c.from_value is distinct from c.to_value;
  if new.status is distinct from old.status or new.assignee_id is distinct from old.assignee_id then
    perform private.mark_ticket_seen_by(auth.uid(), new.id);
  end if;
  return null;
end;
$$;

create trigger tickets_record_changes
  after insert or update of assignee_id, priority, category, status on public.tickets
  for each row execute function private.record_ticket_changes();

-- Replaces 20261127070000's version: a reply is activity, and its author has seen the ticket.
create or replace function private.apply_ticket_reply()
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
  update public.tickets as t
     set status = case when current_status = 'pending' and not private.user_is_staff(new.author_id) then 'open' else t.status end,
         last_activity_at = now()
   where t.id = new.ticket_id;
  perform private.mark_ticket_seen_by(new.author_id, new.ticket_id);
  return new;
end;
$$;

create function private.note_seen_by_author()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.mark_ticket_seen_by(new.author_id, new.ticket_id);
  return null;
end;
$$;

create trigger ticket_internal_notes_seen_by_author
  after insert on public.ticket_internal_notes
  for each row execute function private.note_seen_by_author();

-- Replaces 20261127070000's version: one branch per way in, each an index range, instead of an
-- OR the planner can only answer by reading every ticket (≈ 40 ms at 100,000 tickets, on every
-- read of a client user's tickets, replies and history).
create or replace function private.my_ticket_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select t.id from public.tickets as t where t.client_id in (select private.my_client_ids())
  union
  select t.id from public.tickets as t where t.matter_id in (select private.my_matter_ids())
$$;

-- The planner's guess for these sets was a thousand rows each (a function's default), which made
-- it read every matter to find a client's two. A person acts for a few clients, takes part in some
-- matters and has some dozens of tickets.
alter function private.my_client_ids() rows 3;
alter function private.my_matter_ids() rows 20;
alter function private.my_ticket_ids() rows 50;

-- Whom a ticket's readers meet on it: also the requester (staff profiles are readable anyway).
create or replace function private.ticket_participant_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select t.created_by from public.tickets as t where t.id in (select private.my_ticket_ids())
  union
  select t.requester_id from public.tickets as t where t.id in (select private.my_ticket_ids())
  union
  select t.assignee_id from public.tickets as t where t.id in (select private.my_ticket_ids())
  union
  select r.author_id from public.ticket_replies as r where r.ticket_id in (select private.my_ticket_ids())
$$;

-- ---------------------------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------------------------

alter table public.ticket_reads enable row level security;
alter table public.ticket_field_changes enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.ticket_reads as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Users can read their own ticket read marks"
  on public.ticket_reads for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Only sessions that passed the second factor get access"
  on public.ticket_field_changes as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all ticket field changes"
  on public.ticket_field_changes for select to authenticated
  using ((select private.is_staff()));
create policy "Client users and guests can read their tickets' field changes"
  on public.ticket_field_changes for select to authenticated
  using (ticket_id in (select private.my_ticket_ids()));

revoke all on public.ticket_reads, public.ticket_field_changes from anon, authenticated;
grant all on public.ticket_reads, public.ticket_field_changes to service_role;
-- Read marks are written by mark_ticket_seen and the triggers only.
grant select on public.ticket_reads, public.ticket_field_changes to authenticated;
