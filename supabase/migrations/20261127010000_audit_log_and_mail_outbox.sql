-- Foundations every later portal migration uses: the append-only audit log, the mail outbox, the
-- request context (request id, client IP) and the updated_at trigger.
--
-- Both tables live in `ops`, which PostgREST never exposes. The audit log only grows: a trigger
-- refuses UPDATE, DELETE and TRUNCATE for every role, the table owner and the service role included.
-- Staff admins read it through `public.list_audit_events` (20261127090000_notifications.sql).
-- The mail outbox holds mails to send (template + data); only the service role (the `mail` edge
-- function) reads it, through `public.claim_outbox_mail` / `public.complete_outbox_mail`.

-- Functions postgres creates are executable by nobody but their owner until a migration grants them
-- one by one. (The per-schema revokes in 20261127000000 cannot remove PUBLIC's execute right: schema
-- default privileges only add to the global ones, so the global default is changed here.)
alter default privileges for role postgres revoke execute on functions from public;

-- ---------------------------------------------------------------------------------------------
-- Small helpers
-- ---------------------------------------------------------------------------------------------

create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.touch_updated_at() is 'Trigger: keeps updated_at current on every update.';

-- PostgREST puts the request headers into `request.headers` (JSON); SQL callers have none.
create function private.request_header(header_name text)
returns text
language sql
stable
set search_path = ''
as $$
  select nullif(current_setting('request.headers', true), '')::jsonb ->> lower(header_name)
$$;

-- The client address as the gateway reports it (first hop of X-Forwarded-For); null when unknown
-- or malformed, never an error: auditing must not break the action it records.
create function private.request_ip()
returns inet
language plpgsql
stable
set search_path = ''
as $$
declare
  candidate text := btrim(split_part(coalesce(private.request_header('x-forwarded-for'),
                                              private.request_header('x-real-ip'), ''), ',', 1));
begin
  if candidate = '' then
    return null;
  end if;
  return candidate::inet;
exception
  when invalid_text_representation then
    return null;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Audit log
-- ---------------------------------------------------------------------------------------------

create table ops.audit_events (
  id          bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  actor_id    uuid,
  actor_role  text not null,
  action      text not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  entity_type text not null,
  entity_id   text,
  details     jsonb not null default '{}'::jsonb,
  request_id  text,
  ip          inet
);
comment on table ops.audit_events is
  'Append-only record of security-relevant actions (who, what, which entity, when, request id and IP when known). No role may update or delete it.';
comment on column ops.audit_events.actor_id is 'auth.uid() of the caller; null for the system (hooks, jobs).';

create index audit_events_occurred_at_idx on ops.audit_events (occurred_at desc);
create index audit_events_entity_idx on ops.audit_events (entity_type, entity_id);
create index audit_events_actor_id_idx on ops.audit_events (actor_id);
create index audit_events_action_idx on ops.audit_events (action);

alter table ops.audit_events enable row level security;
revoke all on ops.audit_events from public, anon, authenticated, service_role;
grant select on ops.audit_events to service_role;

create function private.refuse_audit_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception using
    errcode = 'P0001',
    message = 'audit_events_are_append_only',
    detail = format('%s on ops.audit_events is not allowed.', tg_op);
end;
$$;

create trigger audit_events_are_append_only
  before update or delete on ops.audit_events
  for each row execute function private.refuse_audit_change();

create trigger audit_events_cannot_be_truncated
  before truncate on ops.audit_events
  for each statement execute function private.refuse_audit_change();

-- Security definer: callers (and the triggers and RPCs that call it) need no rights on ops.
-- actor and client_ip are for events raised outside a PostgREST request (GoTrue's session rows).
create function private.audit(
  action text,
  entity_type text,
  entity_id text default null,
  details jsonb default '{}'::jsonb,
  actor uuid default null,
  client_ip inet default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into ops.audit_events (actor_id, actor_role, action, entity_type, entity_id, details, request_id, ip)
  values (
    coalesce(audit.actor, auth.uid()),
    coalesce(auth.jwt() ->> 'role', session_user::text),
    audit.action,
    audit.entity_type,
    audit.entity_id,
    coalesce(audit.details, '{}'::jsonb),
    coalesce(private.request_header('x-request-id'), private.request_header('sb-request-id')),
    coalesce(audit.client_ip, private.request_ip())
  );
end;
$$;
comment on function private.audit(text, text, text, jsonb, uuid, inet) is
  'Appends one audit event for the current caller (or the given actor), with request id and client IP when known.';

-- ---------------------------------------------------------------------------------------------
-- Mail outbox
-- ---------------------------------------------------------------------------------------------

create table ops.mail_outbox (
  id              uuid primary key default gen_random_uuid(),
  template        text not null check (template ~ '^[a-z_]+$'),
  locale          text not null default 'de' check (locale in ('de', 'en')),
  recipient       text not null check (recipient like '%_@_%'),
  user_id         uuid references auth.users (id) on delete set null,
  data            jsonb not null default '{}'::jsonb,
  status          text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts        integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  locked_at       timestamptz,
  last_error      text,
  -- clock time, not transaction time: mails queued in one transaction keep their order
  created_at      timestamptz not null default clock_timestamp(),
  sent_at         timestamptz
);
comment on table ops.mail_outbox is
  'Mails waiting for the mail edge function (template, locale, data). Values under data.secret (codes, invitation tokens) are removed once the mail is sent or given up. Service role only.';

create index mail_outbox_due_idx on ops.mail_outbox (status, next_attempt_at);
create index mail_outbox_user_id_idx on ops.mail_outbox (user_id);

alter table ops.mail_outbox enable row level security;
revoke all on ops.mail_outbox from public, anon, authenticated, service_role;
grant select on ops.mail_outbox to service_role;

create function private.enqueue_mail(
  template text,
  locale text,
  recipient text,
  user_id uuid,
  data jsonb
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  mail_id uuid;
begin
  insert into ops.mail_outbox (template, locale, recipient, user_id, data)
  values (enqueue_mail.template, coalesce(enqueue_mail.locale, 'de'), enqueue_mail.recipient,
          enqueue_mail.user_id, coalesce(enqueue_mail.data, '{}'::jsonb))
  returning id into mail_id;
  return mail_id;
end;
$$;
comment on function private.enqueue_mail(text, text, text, uuid, jsonb) is
  'Queues one mail for the mail edge function. Put one-time secrets under data.secret.';
