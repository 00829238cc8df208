-- Notifications (the in-app inbox), the service-role interface of the mail outbox, and the admin
-- view of the audit log.
--
-- Notifications are written only by triggers, for: a new message (other participants), a new
-- ticket (staff), a ticket reply (creator, assignee and earlier repliers; all staff while nobody
-- is assigned), a ticket status change (creator and assignee), a document released (everyone who
-- may now read it), a page published (the users of every client it addresses). Each recipient is
-- checked against its current access, the actor never notifies itself, and a user removed from a
-- client or matter loses the notifications about it. Users read, mark read and delete their own.
--
-- Mail outbox: claim_outbox_mail / complete_outbox_mail, for the service role only (the `mail`
-- edge function): claiming locks a batch (stale locks expire after 10 minutes), failures retry with
-- exponential back-off up to 8 attempts, and data.secret is removed once a mail is sent or given up.

create table public.notifications (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references public.profiles (id) on delete cascade,
  kind        text not null check (kind in ('message.created', 'ticket.opened', 'ticket.replied',
                                            'ticket.status_changed', 'document.released', 'page.published')),
  title       text not null,
  entity_type text not null check (entity_type in ('conversation', 'ticket', 'document', 'page')),
  entity_id   uuid not null,
  client_id   uuid references public.clients (id) on delete cascade,
  matter_id   uuid references public.matters (id) on delete cascade,
  data        jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  read_at     timestamptz
);
comment on table public.notifications is 'Per-user inbox entries created by triggers; the user marks them read or deletes them.';
create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at desc);
create index notifications_unread_idx on public.notifications (user_id) where read_at is null;
create index notifications_client_id_idx on public.notifications (client_id);
create index notifications_matter_id_idx on public.notifications (matter_id);

alter table public.notifications enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.notifications as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Users can read their own notifications"
  on public.notifications for select to authenticated
  using (user_id = (select auth.uid()));
create policy "Users can mark their own notifications as read"
  on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "Users can delete their own notifications"
  on public.notifications for delete to authenticated
  using (user_id = (select auth.uid()));

revoke all on public.notifications from anon, authenticated;
grant all on public.notifications to service_role;
grant select, delete on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Writing notifications
-- ---------------------------------------------------------------------------------------------

create function private.notify(
  recipients uuid[],
  kind text,
  title text,
  entity_type text,
  entity_id uuid,
  client_id uuid,
  matter_id uuid,
  data jsonb default '{}'::jsonb
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.notifications (user_id, kind, title, entity_type, entity_id, client_id, matter_id, data)
  select distinct r.user_id, notify.kind, left(notify.title, 300), notify.entity_type, notify.entity_id,
         notify.client_id, notify.matter_id, coalesce(notify.data, '{}'::jsonb)
    from unnest(recipients) as r(user_id)
   where r.user_id is not null
     and r.user_id is distinct from auth.uid()
     and exists (select 1 from public.profiles as p where p.id = r.user_id);
end;
$$;

create function private.notify_message_created()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  conversation public.conversations%rowtype;
begin
  select * into conversation from public.conversations as c where c.id = new.conversation_id;
  perform private.notify(
    array(select p.user_id from public.conversation_participants as p
           where p.conversation_id = new.conversation_id and p.user_id is distinct from new.author_id
             and private.user_can_access_conversation_scope(p.user_id, new.conversation_id)),
    'message.created', coalesce(conversation.subject, 'Chat'), 'conversation', conversation.id,
    conversation.client_id, conversation.matter_id, jsonb_build_object('message_id', new.id));
  return null;
end;
$$;

create trigger messages_notify
  after insert on public.messages
  for each row execute function private.notify_message_created();

create function private.notify_ticket_opened()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.notify(array(select private.staff_ids()), 'ticket.opened', new.subject, 'ticket', new.id,
    new.client_id, new.matter_id, jsonb_build_object('number', new.number));
  return null;
end;
$$;

create trigger tickets_notify_opened
  after insert on public.tickets
  for each row execute function private.notify_ticket_opened();

create function private.notify_ticket_replied()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  ticket public.tickets%rowtype;
  recipients uuid[];
begin
  select * into ticket from public.tickets as t where t.id = new.ticket_id;
  -- The first reply is the ticket's own text: "ticket.opened" already covers it.
  if not exists (select 1 from public.ticket_replies as r where r.ticket_id = ticket.id and r.id <> new.id) then
    return null;
  end if;
  recipients := array(
    select candidate from (
      select ticket.created_by as candidate
      union select ticket.assignee_id
      union select r.author_id from public.ticket_replies as r where r.ticket_id = ticket.id
      union select s.id from private.staff_ids() as s(id)
       where ticket.assignee_id is null and not private.user_is_staff(new.author_id)
    ) as c
    where candidate is not null and candidate is distinct from new.author_id
      and private.user_can_see_ticket(candidate, ticket.id));
  perform private.notify(recipients, 'ticket.replied', ticket.subject, 'ticket', ticket.id,
    ticket.client_id, ticket.matter_id, jsonb_build_object('number', ticket.number, 'reply_id', new.id));
  return null;
end;
$$;

create trigger ticket_replies_notify
  after insert on public.ticket_replies
  for each row execute function private.notify_ticket_replied();

create function private.notify_ticket_status_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    perform private.notify(
      array(select u from unnest(array[new.created_by, new.assignee_id]) as u
             where u is not null and private.user_can_see_ticket(u, new.id)),
      'ticket.status_changed', new.subject, 'ticket', new.id, new.client_id, new.matter_id,
      jsonb_build_object('number', new.number, 'from', old.status, 'to', new.status));
  end if;
  return null;
end;
$$;

create trigger tickets_notify_status_changed
  after update of status on public.tickets
  for each row execute function private.notify_ticket_status_changed();

create function private.notify_document_released()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matter public.matters%rowtype;
begin
  if old.released_at is null and new.released_at is not null then
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

create trigger documents_notify_released
  after update of released_at on public.documents
  for each row execute function private.notify_document_released();

-- Users of the given audiences who have not been told about this page yet.
create function private.notify_page_audience(page_id uuid, audience_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  page public.pages%rowtype;
begin
  select * into page from public.pages as p where p.id = notify_page_audience.page_id;
  perform private.notify(
    array(select cm.user_id
            from public.page_audiences as a
            join public.client_members as cm
              on cm.client_id = a.client_id
              or cm.client_id in (select gm.client_id from public.client_group_members as gm where gm.group_id = a.group_id)
           where a.id = any (audience_ids)
             and not exists (select 1 from public.notifications as n
                              where n.user_id = cm.user_id and n.kind = 'page.published' and n.entity_id = page.id)),
    'page.published', page.title, 'page', page.id, null, null, jsonb_build_object('pinned', page.pinned));
end;
$$;

create function private.notify_page_published()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.published and (tg_op = 'INSERT' or not old.published) then
    perform private.notify_page_audience(new.id,
      array(select a.id from public.page_audiences as a where a.page_id = new.id));
  end if;
  return null;
end;
$$;

create trigger pages_notify_published
  after insert or update of published on public.pages
  for each row execute function private.notify_page_published();

create function private.notify_page_audience_added()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.pages as p where p.id = new.page_id and p.published) then
    perform private.notify_page_audience(new.page_id, array[new.id]);
  end if;
  return null;
end;
$$;

create trigger page_audiences_notify
  after insert on public.page_audiences
  for each row execute function private.notify_page_audience_added();

-- Whoever leaves a client or a matter loses the inbox entries about it.
create function private.forget_notifications_on_removal()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'client_members' then
    delete from public.notifications as n where n.user_id = old.user_id and n.client_id = old.client_id;
  elsif not private.user_can_access_matter(old.user_id, old.matter_id) then
    delete from public.notifications as n where n.user_id = old.user_id and n.matter_id = old.matter_id;
  end if;
  return null;
end;
$$;

create trigger client_members_forget_notifications
  after delete on public.client_members
  for each row execute function private.forget_notifications_on_removal();
create trigger matter_members_forget_notifications
  after delete on public.matter_members
  for each row execute function private.forget_notifications_on_removal();

-- ---------------------------------------------------------------------------------------------
-- Mail outbox interface for the service role
-- ---------------------------------------------------------------------------------------------

create function public.claim_outbox_mail(max_count integer default 20)
returns table (id uuid, template text, locale text, recipient text, data jsonb, attempts integer)
language sql
volatile
security definer
set search_path = ''
as $$
  update ops.mail_outbox as o
     set status = 'sending', locked_at = now(), attempts = o.attempts + 1
   where o.id in (select due.id from ops.mail_outbox as due
                   where (due.status = 'pending' and due.next_attempt_at <= now())
                      or (due.status = 'sending' and due.locked_at < now() - interval '10 minutes')
                   order by due.next_attempt_at
                   limit greatest(least(coalesce(max_count, 20), 100), 1)
                   for update skip locked)
  returning o.id, o.template, o.locale, o.recipient, o.data, o.attempts
$$;
comment on function public.claim_outbox_mail(integer) is
  'Service role: locks up to max_count due mails (at most 100) for sending and returns them.';

create function public.complete_outbox_mail(mail_id uuid, error text default null)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  update ops.mail_outbox as o
     set status = case when error is null then 'sent' when o.attempts >= 8 then 'failed' else 'pending' end,
         sent_at = case when error is null then now() end,
         last_error = left(error, 2000),
         locked_at = null,
         next_attempt_at = case when error is null or o.attempts >= 8 then o.next_attempt_at
                                else now() + least(interval '1 minute' * power(2, o.attempts), interval '6 hours') end,
         data = case when error is null or o.attempts >= 8 then o.data - 'secret' else o.data end
   where o.id = mail_id and o.status = 'sending';
  if not found then
    raise exception using errcode = 'P0001', message = 'mail_not_sending';
  end if;
end;
$$;
comment on function public.complete_outbox_mail(uuid, text) is
  'Service role: marks a claimed mail sent (error null) or failed; failures retry with back-off up to 8 attempts. Errors: mail_not_sending.';

revoke execute on function public.claim_outbox_mail(integer), public.complete_outbox_mail(uuid, text)
  from public, anon, authenticated;
grant execute on function public.claim_outbox_mail(integer), public.complete_outbox_mail(uuid, text) to service_role;
grant update on ops.mail_outbox to service_role;

-- ---------------------------------------------------------------------------------------------
-- Audit log for admins
-- ---------------------------------------------------------------------------------------------

create function public.list_audit_events(
  since timestamptz default null,
  until timestamptz default null,
  action_prefix text default null,
  for_entity_type text default null,
  for_entity_id text default null,
  max_rows integer default 200
)
returns table (
  id bigint, occurred_at timestamptz, actor_id uuid, actor_role text, action text,
  entity_type text, entity_id text, details jsonb, request_id text, ip inet
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_access();
  if not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins read the audit log.';
  end if;
  return query
    select e.id, e.occurred_at, e.actor_id, e.actor_role, e.action, e.entity_type, e.entity_id,
           e.details, e.request_id, e.ip
      from ops.audit_events as e
     where (list_audit_events.since is null or e.occurred_at >= list_audit_events.since)
       and (list_audit_events.until is null or e.occurred_at < list_audit_events.until)
       and (list_audit_events.action_prefix is null or e.action like list_audit_events.action_prefix || '%')
       and (list_audit_events.for_entity_type is null or e.entity_type = list_audit_events.for_entity_type)
       and (list_audit_events.for_entity_id is null or e.entity_id = list_audit_events.for_entity_id)
     order by e.occurred_at desc, e.id desc
     limit greatest(least(coalesce(list_audit_events.max_rows, 200), 1000), 1);
end;
$$;
comment on function public.list_audit_events(timestamptz, timestamptz, text, text, text, integer) is
  'Admins: the audit log, newest first, filtered by time, action prefix and entity. Errors: not_authenticated, mfa_required, forbidden.';
grant execute on function public.list_audit_events(timestamptz, timestamptz, text, text, text, integer) to authenticated;
