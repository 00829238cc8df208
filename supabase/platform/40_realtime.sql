-- =============================================================================
-- 40_realtime.sql — the parts of schema `realtime` that realtime v2.102.x
-- keeps in the project database and that migrations/policies touch
--
-- Mirrors supabase/postgres init-scripts 00000000000000-initial-schema.sql
-- (publication) and 00000000000003-realtime-schema.sql (schema, grants), and
-- the realtime tenant migrations as squashed in 20260420000000_squash_migrations
-- (realtime.messages, topic(), send(), broadcast_changes(), grants, RLS),
-- plus binary_payload/send_binary and the default partition from the
-- following releases.
--
-- Not created: realtime.subscription, apply_rls/list_changes and the other
-- postgres_changes machinery (the devstack's realtime module decodes the WAL
-- itself), realtime.schema_migrations, and the `_realtime` tenant schema
-- (realtime keeps that in its own database).
-- =============================================================================

create schema realtime authorization supabase_admin;
grant usage on schema realtime to postgres with grant option;
grant usage on schema realtime to anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin with grant option;
grant create, usage on schema public to supabase_realtime_admin;
grant usage on schema extensions to supabase_realtime_admin;
grant execute on all functions in schema auth to supabase_realtime_admin;

-- Postgres-changes publication, empty at init. Owned by postgres (the init
-- scripts run as postgres on Supabase), so migrations can
--   alter publication supabase_realtime add table public.x;
create publication supabase_realtime;
alter publication supabase_realtime owner to postgres;

set role supabase_realtime_admin;

-- -----------------------------------------------------------------------------
-- realtime.messages: one row per broadcast sent from the database
-- (realtime.send) and the probe rows Realtime inserts to evaluate RLS for
-- private channels. Upstream partitions it by day on inserted_at and Realtime
-- creates/drops the daily partitions; here a single DEFAULT partition holds
-- everything (same rows, same PK, same RLS behaviour through the parent).
-- -----------------------------------------------------------------------------
create table realtime.messages (
  topic          text not null,
  extension      text not null,
  payload        jsonb,
  event          text,
  private        boolean default false,
  updated_at     timestamp without time zone not null default now(),
  inserted_at    timestamp without time zone not null default now(),
  id             uuid not null default gen_random_uuid(),
  binary_payload bytea,
  constraint messages_pkey primary key (id, inserted_at)
) partition by range (inserted_at);

create table realtime.messages_default partition of realtime.messages default;

create index messages_inserted_at_topic_index
  on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;

alter table realtime.messages enable row level security;

-- The channel topic Realtime is authorising (set per transaction by Realtime
-- and by realtime.send); policies on realtime.messages compare against it.
create function realtime.topic()
returns text
language sql
stable
as $fn$
  select nullif(current_setting('realtime.topic', true), '')::text
$fn$;

reset role;

-- -----------------------------------------------------------------------------
-- Database-originated broadcasts. Both run with the caller's rights (as
-- upstream): called from a trigger of an API request the INSERT into
-- realtime.messages is subject to its RLS, so broadcasting triggers are
-- normally SECURITY DEFINER functions owned by postgres.
-- -----------------------------------------------------------------------------

-- Inserts one broadcast row:
--   id = a new uuid, topic, event, private, extension = 'broadcast',
--   payload = the given payload with "id" (that same uuid) added unless present.
-- Errors never abort the caller; they become a WARNING.
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $fn$
declare
  message_id uuid := gen_random_uuid();
  body       jsonb;
begin
  begin
    if send.payload ? 'id' then
      body := send.payload;
    else
      body := jsonb_set(send.payload, '{id}', to_jsonb(message_id));
    end if;

    perform set_config('realtime.topic', send.topic, true);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (message_id, body, send.event, send.topic, send.private, 'broadcast');
  exception
    when others then
      raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$fn$;

-- Same for a raw binary payload (stored in binary_payload, payload stays NULL).
create function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
returns void
language plpgsql
as $fn$
declare
  message_id uuid := gen_random_uuid();
begin
  begin
    perform set_config('realtime.topic', send_binary.topic, true);

    insert into realtime.messages (id, binary_payload, event, topic, private, extension)
    values (message_id, send_binary.payload, send_binary.event, send_binary.topic, send_binary.private, 'broadcast');
  exception
    when others then
      raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$fn$;

-- For row triggers:
--   perform realtime.broadcast_changes('topic:' || new.id, tg_op, tg_op,
--                                      tg_table_name, tg_table_schema, new, old);
-- Broadcasts {"old_record": OLD, "record": NEW, "operation": ..., "table": ...,
-- "schema": ...} (plus the "id" realtime.send adds) with event = event_name.
create function realtime.broadcast_changes(
  topic_name   text,
  event_name   text,
  operation    text,
  table_name   text,
  table_schema text,
  new          record,
  old          record,
  level        text default 'ROW'
)
returns void
language plpgsql
as $fn$
declare
  row_data jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;

  if operation in ('INSERT', 'UPDATE', 'DELETE') then
    row_data := jsonb_build_object(
      'old_record', old,
      'record',     new,
      'operation',  operation,
      'table',      table_name,
      'schema',     table_schema
    );
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$fn$;

-- -----------------------------------------------------------------------------
-- Grants (squash 20260420000000 configure_grants + supabase/postgres)
-- -----------------------------------------------------------------------------
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
grant delete, truncate, references, trigger on realtime.messages to postgres;
grant all on realtime.messages to dashboard_user;
grant all on all functions in schema realtime to supabase_realtime_admin;

-- Without supautils' policy_grants, Realtime's own migration keeps postgres a
-- member of supabase_realtime_admin (squash 20260420000000 create_role; it is
-- only revoked where policy_grants covers realtime.messages). That is what lets
-- project migrations CREATE POLICY on realtime.messages.
grant supabase_realtime_admin to postgres;
