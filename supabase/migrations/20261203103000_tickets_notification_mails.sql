-- Notification mails: a content-free mail ("there is news on ticket #1042", with a link) to the
-- people concerned, in their language, through the mail outbox and the `mail` function.
--
-- Nobody gets a mail for what they are looking at right now: a notification mail is *deferred*
-- (ops.notification_mails, due after private.notification_mail_delay(), 2 minutes) and cancelled
-- when the recipient sees the entity in the meantime. The app marks a ticket seen when it opens it
-- and whenever a live change arrives while the page is visible (mark_ticket_seen), so someone
-- watching the ticket never gets the mail; someone away gets one mail per entity, however many
-- changes pile up before it is due (the kinds are merged). A pg_cron job moves due mails into the
-- outbox every minute, after checking that the recipient may still see the entity.
--
-- Generic for later features: private.defer_notification_mail(template, user, entity type, id,
-- data) with data.kinds as a list, private.cancel_notification_mails(user, type, id), and a branch
-- per entity type in private.user_can_see_entity.
--
-- Tickets (template `ticket_activity`, data {number, kinds, status, for_staff}): the requester and
-- the assignee, never the person acting, and only while they may see the ticket:
--   reply → requester and assignee; internal note → assignee; status change → requester and
--   assignee; assignment → the new assignee; opened by staff for someone → the requester.

create table ops.notification_mails (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references auth.users (id) on delete cascade,
  entity_type text not null check (entity_type in ('ticket')),
  entity_id   uuid not null,
  template    text not null check (template ~ '^[a-z_]+$'),
  data        jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  due_at      timestamptz not null,
  constraint notification_mails_one_per_entity unique (user_id, entity_type, entity_id)
);
comment on table ops.notification_mails is
  'Notification mails waiting for their delay; cancelled when the recipient sees the entity first, then moved into the mail outbox.';
create index notification_mails_due_at_idx on ops.notification_mails (due_at);
alter table ops.notification_mails enable row level security;
revoke all on ops.notification_mails from public, anon, authenticated, service_role;
grant select on ops.notification_mails to service_role;

create function private.notification_mail_delay()
returns interval
language sql
immutable
set search_path = ''
as $$
  select interval '2 minutes'
$$;
comment on function private.notification_mail_delay() is 'How long a notification mail waits for the recipient to see the change in the portal first.';

create function private.user_can_see_entity(user_id uuid, entity_type text, entity_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case user_can_see_entity.entity_type
           when 'ticket' then private.user_can_see_ticket(user_can_see_entity.user_id, user_can_see_entity.entity_id)
           else false
         end
$$;

create function private.defer_notification_mail(template text, user_id uuid, entity_type text, entity_id uuid, data jsonb)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into ops.notification_mails (user_id, entity_type, entity_id, template, data, due_at)
  select defer_notification_mail.user_id, defer_notification_mail.entity_type, defer_notification_mail.entity_id,
         defer_notification_mail.template, coalesce(defer_notification_mail.data, '{}'::jsonb),
         now() + private.notification_mail_delay()
   where exists (select 1 from auth.users as u where u.id = defer_notification_mail.user_id and u.email is not null)
  on conflict on constraint notification_mails_one_per_entity do update
    set data = ops.notification_mails.data || excluded.data
               || jsonb_build_object('kinds', (select coalesce(jsonb_agg(distinct k.kind), '[]'::jsonb)
                                                 from jsonb_array_elements_text(coalesce(ops.notification_mails.data -> 'kinds', '[]'::jsonb)
                                                                                || coalesce(excluded.data -> 'kinds', '[]'::jsonb)) as k(kind)))
$$;
comment on function private.defer_notification_mail(text, uuid, text, uuid, jsonb) is
  'Queues one notification mail per recipient and entity, due after the delay; a second call before then merges data (kinds are united).';

create function private.cancel_notification_mails(user_id uuid, entity_type text, entity_id uuid)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  delete from ops.notification_mails as n
   where n.user_id = cancel_notification_mails.user_id and n.entity_type = cancel_notification_mails.entity_type
     and n.entity_id = cancel_notification_mails.entity_id
$$;

-- Every minute: due mails into the outbox (one insert, so one delivery run), in the recipient's
-- language, if they may still see what the mail is about. `due_before` lets tests send at once.
create function private.send_due_notification_mails(due_before timestamptz default now())
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  queued integer;
begin
  with due as (
    delete from ops.notification_mails as n
     where n.id in (select q.id from ops.notification_mails as q
                     where q.due_at <= send_due_notification_mails.due_before
                     order by q.due_at limit 500 for update skip locked)
    returning n.user_id, n.entity_type, n.entity_id, n.template, n.data
  )
  insert into ops.mail_outbox (template, locale, recipient, user_id, data)
  select due.template, p.locale, u.email, due.user_id, due.data || jsonb_build_object('display_name', p.display_name)
    from due
    join auth.users as u on u.id = due.user_id
    join public.profiles as p on p.id = due.user_id
   where u.email is not null and private.user_can_see_entity(due.user_id, due.entity_type, due.entity_id);
  get diagnostics queued = row_count;
  return queued;
end;
$$;
comment on function private.send_due_notification_mails(timestamptz) is
  'Every minute (pg_cron): moves due notification mails into the mail outbox, for recipients who may still see the entity.';

select cron.schedule('portal-notification-mails', '* * * * *', 'select private.send_due_notification_mails()');

-- ---------------------------------------------------------------------------------------------
-- Tickets
-- ---------------------------------------------------------------------------------------------

create function private.defer_ticket_mails(ticket public.tickets, recipients uuid[], kind text, actor uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform private.defer_notification_mail('ticket_activity', r.user_id, 'ticket', ticket.id,
            jsonb_build_object('number', ticket.number, 'kinds', jsonb_build_array(kind), 'status', ticket.status,
                               'for_staff', private.user_is_staff(r.user_id)))
     from (select distinct u as user_id from unnest(recipients) as u) as r
    where r.user_id is not null and r.user_id is distinct from actor
      and private.user_can_see_ticket(r.user_id, ticket.id);
end;
$$;

create function private.mail_about_ticket_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.defer_ticket_mails(new, array[new.requester_id], 'opened', new.created_by);
    perform private.defer_ticket_mails(new, array[new.assignee_id], 'assigned', new.created_by);
    return null;
  end if;
  if new.status is distinct from old.status then
    perform private.defer_ticket_mails(new, array[new.requester_id, new.assignee_id], 'status', auth.uid());
  end if;
  if new.assignee_id is distinct from old.assignee_id then
    perform private.defer_ticket_mails(new, array[new.assignee_id], 'assigned', auth.uid());
  end if;
  return null;
end;
$$;

create trigger tickets_mail_about_changes
  after insert or update of status, assignee_id on public.tickets
  for each row execute function private.mail_about_ticket_change();

create function private.mail_about_ticket_text()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  ticket public.tickets%rowtype;
begin
  select * into ticket from public.tickets as t where t.id = new.ticket_id;
  if tg_table_name = 'ticket_internal_notes' then
    perform private.defer_ticket_mails(ticket, array[ticket.assignee_id], 'note', new.author_id);
  -- The first reply is the ticket's own text: "opened" covers it.
  elsif exists (select 1 from public.ticket_replies as r where r.ticket_id = ticket.id and r.id <> new.id) then
    perform private.defer_ticket_mails(ticket, array[ticket.requester_id, ticket.assignee_id], 'reply', new.author_id);
  end if;
  return null;
end;
$$;

create trigger ticket_replies_mail
  after insert on public.ticket_replies
  for each row execute function private.mail_about_ticket_text();
create trigger ticket_internal_notes_mail
  after insert on public.ticket_internal_notes
  for each row execute function private.mail_about_ticket_text();
