-- Backups (edge-functions/backup/, nuxt-app/components/backup/README.md): the state the `backup`
-- edge function keeps between runs, how runs are started (pg_cron, an admin's "Jetzt sichern"),
-- watched (failure and overdue mails to the admins) and shown to admins.
--
-- The function holds no state of its own. Everything lives here, in schema ops (service role and
-- the database only; admins read it through the RPCs at the end):
--   ops.backup_settings     one row: schedule (pg_cron, UTC), full copy interval, retention, alert delay
--   ops.backup_runs         one row per run: queued → running → succeeded | incomplete | failed
--   ops.backup_artefacts    every object the runs put into the bucket (opaque keys, sizes, SHA-256)
--   ops.backup_live_files   which stored file version was live from which successful run on (the
--                           files "watermark"; pruning keeps what a kept point needs)
--   ops.backup_run_files    the current run's work list (files added or deleted since the last success)
-- The bucket's target and the age recipients are Vault secrets `backup_target` and
-- `backup_recipients`; the private key never comes near the server.
-- Tables ops.backup_* describe this server's chain and are not themselves backed up.

create table ops.backup_settings (
  id                boolean primary key default true check (id),
  -- 5-field pg_cron expression in UTC; null turns the scheduled runs off
  schedule          text default '0 */2 * * *' check (schedule ~ '^\S+ \S+ \S+ \S+ \S+$'),
  full_every        interval not null default '7 days' check (full_every >= interval '1 hour'),
  keep_all_for      interval not null default '14 days',
  keep_daily_for    interval not null default '90 days',
  keep_monthly_for  interval not null default '3 years',
  alert_after       interval not null default '4 hours' check (alert_after >= interval '1 hour'),
  overdue_alerted_at timestamptz,
  created_at        timestamptz not null default now()
);
comment on table ops.backup_settings is
  'Backup configuration (one row). Changing schedule reschedules the pg_cron job portal-backup.';
insert into ops.backup_settings default values;

create table ops.backup_runs (
  id                uuid primary key default gen_random_uuid(),
  seq               bigint generated always as identity unique,
  trigger           text not null check (trigger in ('schedule', 'manual', 'continuation')),
  requested_by      uuid references auth.users (id) on delete set null,
  status            text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'incomplete', 'failed')),
  kind              text check (kind in ('full', 'incremental')),
  -- why a full copy: first, interval, migration, schema, slot (the replication slot was missing)
  full_reason       text,
  step              text,
  requested_at      timestamptz not null default now(),
  started_at        timestamptz,
  snapshot_at       timestamptz,
  finished_at       timestamptz,
  -- pg_snapshot of the run's consistent view; the next run's changes are those it did not see
  snapshot          text,
  migration_version text,
  schema_fingerprint text,
  base_run_id       uuid references ops.backup_runs (id),
  previous_run_id   uuid references ops.backup_runs (id),
  advance_lsn       pg_lsn,
  bytes             bigint not null default 0,
  artefacts         integer not null default 0,
  table_rows        bigint,
  db_changes        bigint,
  files_added       integer,
  files_deleted     integer,
  files_unavailable integer,
  stored_bytes      bigint,
  manifest_key      text,
  manifest_sha256   text,
  error_code        text,
  error_message     text,
  pruned_at         timestamptz
);
comment on table ops.backup_runs is
  'One row per backup run. At most one is queued or running at a time.';
create unique index backup_runs_one_active_idx on ops.backup_runs ((true)) where status in ('queued', 'running');
create index backup_runs_status_seq_idx on ops.backup_runs (status, seq desc);
create index backup_runs_requested_at_idx on ops.backup_runs (requested_at);
create index backup_runs_base_run_id_idx on ops.backup_runs (base_run_id);
create index backup_runs_previous_run_id_idx on ops.backup_runs (previous_run_id);
create index backup_runs_requested_by_idx on ops.backup_runs (requested_by);

create table ops.backup_artefacts (
  key            text primary key check (key ~ '^[a-z0-9/._-]+$'),
  run_id         uuid not null references ops.backup_runs (id),
  kind           text not null check (kind in ('table', 'changes', 'sequences', 'file', 'manifest')),
  state          text not null default 'uploading' check (state in ('uploading', 'stored', 'deleted')),
  -- multipart upload in flight, aborted by the clean-up after a crash
  upload_id      text,
  bytes          bigint,
  sha256         text,
  content_sha256 text,
  object_id      uuid,
  object_version text,
  created_at     timestamptz not null default now(),
  stored_at      timestamptz,
  deleted_at     timestamptz
);
comment on table ops.backup_artefacts is
  'Objects in the backup bucket: ciphertext size and SHA-256 (content_sha256: the file''s plaintext, for the manifest).';
create index backup_artefacts_run_id_idx on ops.backup_artefacts (run_id);
create index backup_artefacts_state_idx on ops.backup_artefacts (state) where state <> 'deleted';
create unique index backup_artefacts_file_idx on ops.backup_artefacts (object_id, object_version)
  where kind = 'file' and state = 'stored';

create table ops.backup_live_files (
  object_id   uuid not null,
  version     text not null,
  bucket_id   text not null,
  name        text not null,
  key         text not null references ops.backup_artefacts (key),
  since_seq   bigint not null,
  until_seq   bigint,
  primary key (object_id, version, since_seq)
);
comment on table ops.backup_live_files is
  'Which stored file version each successful run saw live: from since_seq until (excluding) until_seq.';
create index backup_live_files_key_idx on ops.backup_live_files (key);
create index backup_live_files_open_idx on ops.backup_live_files (object_id, version) where until_seq is null;

create table ops.backup_run_files (
  run_id     uuid not null references ops.backup_runs (id) on delete cascade,
  object_id  uuid not null,
  version    text not null,
  bucket_id  text not null,
  name       text not null,
  size       bigint,
  etag       text,
  change     text not null check (change in ('added', 'deleted')),
  state      text not null default 'pending' check (state in ('pending', 'stored', 'unavailable')),
  key        text references ops.backup_artefacts (key),
  primary key (run_id, object_id, version)
);
comment on table ops.backup_run_files is
  'Work list of a run: the files added (every live file for a full copy) or deleted since the last success.';
create index backup_run_files_key_idx on ops.backup_run_files (key);
create index backup_run_files_pending_idx on ops.backup_run_files (run_id, state);

alter table ops.backup_settings enable row level security;
alter table ops.backup_runs enable row level security;
alter table ops.backup_artefacts enable row level security;
alter table ops.backup_live_files enable row level security;
alter table ops.backup_run_files enable row level security;
-- No policies: the function works as postgres; admins read through the RPCs below.

-- ---------------------------------------------------------------------------------------------
-- Schedule
-- ---------------------------------------------------------------------------------------------

-- The values one 5-field cron field allows (*, n, a-b, */s, a-b/s, comma lists), as pg_cron reads them.
create function private.cron_field_values(field text, low integer, high integer)
returns integer[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  part text;
  range_part text;
  step integer;
  first_value integer;
  last_value integer;
  result integer[] := '{}';
begin
  foreach part in array string_to_array(field, ',') loop
    step := coalesce(nullif(split_part(part, '/', 2), '')::integer, 1);
    range_part := split_part(part, '/', 1);
    if range_part = '*' then
      first_value := low;
      last_value := high;
    elsif range_part ~ '^\d+-\d+$' then
      first_value := split_part(range_part, '-', 1)::integer;
      last_value := split_part(range_part, '-', 2)::integer;
    elsif range_part ~ '^\d+$' then
      first_value := range_part::integer;
      last_value := case when part like '%/%' then high else first_value end;
    else
      raise exception using errcode = 'P0001', message = 'invalid_schedule', detail = field;
    end if;
    if step < 1 or first_value < low or last_value > high or first_value > last_value then
      raise exception using errcode = 'P0001', message = 'invalid_schedule', detail = field;
    end if;
    result := result || array(select generate_series(first_value, last_value, step));
  end loop;
  return array(select distinct v from unnest(result) as v order by v);
end;
$$;

-- When a 5-field schedule fires next after a moment (pg_cron runs in UTC here and on Supabase).
create function private.cron_next_run(schedule text, after timestamptz default now())
returns timestamptz
language plpgsql
immutable
set search_path = ''
as $$
declare
  fields text[] := regexp_split_to_array(btrim(schedule), '\s+');
  minutes integer[];
  hours integer[];
  days integer[];
  months integer[];
  weekdays integer[];
  day_restricted boolean;
  weekday_restricted boolean;
  start_at timestamp := date_trunc('minute', after at time zone 'UTC') + interval '1 minute';
  day_value date;
  hour_value integer;
  minute_value integer;
  candidate timestamp;
begin
  if schedule is null then
    return null;
  end if;
  if cardinality(fields) <> 5 then
    raise exception using errcode = 'P0001', message = 'invalid_schedule', detail = schedule;
  end if;
  minutes := private.cron_field_values(fields[1], 0, 59);
  hours := private.cron_field_values(fields[2], 0, 23);
  days := private.cron_field_values(fields[3], 1, 31);
  months := private.cron_field_values(fields[4], 1, 12);
  weekdays := array(select distinct v % 7 from unnest(private.cron_field_values(fields[5], 0, 7)) as v);
  day_restricted := fields[3] <> '*';
  weekday_restricted := fields[5] <> '*';
  for offset_days in 0 .. 366 loop
    day_value := start_at::date + offset_days;
    continue when not (extract(month from day_value)::integer = any (months));
    if day_restricted and weekday_restricted then
      continue when not (extract(day from day_value)::integer = any (days) or extract(dow from day_value)::integer = any (weekdays));
    else
      continue when not (extract(day from day_value)::integer = any (days) and extract(dow from day_value)::integer = any (weekdays));
    end if;
    foreach hour_value in array hours loop
      foreach minute_value in array minutes loop
        candidate := day_value + make_interval(hours => hour_value, mins => minute_value);
        if candidate >= start_at then
          return candidate at time zone 'UTC';
        end if;
      end loop;
    end loop;
  end loop;
  return null;
end;
$$;

-- Keeps the pg_cron job in step with ops.backup_settings.schedule.
create function private.schedule_backups()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.cron_next_run(new.schedule);
  if exists (select 1 from cron.job where jobname = 'portal-backup') then
    perform cron.unschedule('portal-backup');
  end if;
  if new.schedule is not null then
    perform cron.schedule('portal-backup', new.schedule, $job$select private.request_backup('schedule')$job$);
  end if;
  return new;
end;
$$;

create trigger backup_settings_schedule
  after insert or update of schedule on ops.backup_settings
  for each row execute function private.schedule_backups();

-- ---------------------------------------------------------------------------------------------
-- Starting runs
-- ---------------------------------------------------------------------------------------------

-- Both Vault secrets exist (their content is checked by the function).
create function private.backup_configured()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select (select count(*) from vault.decrypted_secrets as s where s.name in ('backup_target', 'backup_recipients')) = 2
$$;

-- Posts a run to the backup function (URL and service-role key from Vault, as the mail delivery
-- does). pg_net sends after commit; the function answers 202 at once and works in the background.
create function private.post_backup_run(run_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  api_url text := (select s.decrypted_secret from vault.decrypted_secrets as s where s.name = 'project_url');
  service_key text := (select s.decrypted_secret from vault.decrypted_secrets as s where s.name = 'service_role_key');
begin
  if api_url is null or service_key is null then
    raise warning 'backup: Vault has no project_url or service_role_key; run % waits for them', run_id;
    return;
  end if;
  perform net.http_post(
    url := rtrim(api_url, '/') || '/functions/v1/backup',
    body := jsonb_build_object('run_id', run_id),
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || service_key,
                                  'apikey', service_key),
    timeout_milliseconds := 30000
  );
end;
$$;

-- Queues a run, or returns the one already queued or running (runs never overlap). Without a
-- configured target nothing is queued: the overdue alert tells the admins instead.
create function private.request_backup(run_trigger text, requested_by uuid default null)
returns ops.backup_runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  run ops.backup_runs;
begin
  if not private.backup_configured() then
    return null;
  end if;
  select * into run from ops.backup_runs as r where r.status in ('queued', 'running');
  if found then
    return run;
  end if;
  insert into ops.backup_runs (trigger, requested_by)
  values (run_trigger, request_backup.requested_by)
  on conflict do nothing
  returning * into run;
  if run.id is null then
    select * into run from ops.backup_runs as r where r.status in ('queued', 'running');
    return run;
  end if;
  perform private.post_backup_run(run.id);
  return run;
end;
$$;
comment on function private.request_backup(text, uuid) is
  'Queues a backup run (schedule, manual, continuation) and posts it to the backup function; returns the active run instead when one exists, null when no target is configured.';

-- ---------------------------------------------------------------------------------------------
-- Alerts
-- ---------------------------------------------------------------------------------------------

-- One mail per admin in the admin's language. The mail says that something happened, never data.
create function private.mail_backup_admins(template text, data jsonb)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  admin record;
  sent integer := 0;
begin
  for admin in
    select u.id, u.email, coalesce(p.locale, 'de') as locale
      from public.staff as s
      join auth.users as u on u.id = s.user_id
      left join public.profiles as p on p.id = s.user_id
     where s.is_admin and u.email is not null
  loop
    perform private.enqueue_mail(template, admin.locale, admin.email, admin.id, data);
    sent := sent + 1;
  end loop;
  return sent;
end;
$$;

-- Ends a run that did not succeed: failed (mail to the admins) or incomplete (the time budget ran
-- out with work left: a continuation run is queued at once, no mail).
create function private.end_backup_run(run_id uuid, end_status text, code text, message text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  run ops.backup_runs;
begin
  update ops.backup_runs as r
     set status = end_status, error_code = code, error_message = left(message, 2000), finished_at = now()
   where r.id = end_backup_run.run_id and r.status in ('queued', 'running')
  returning * into run;
  if not found then
    return;
  end if;
  if end_status = 'failed' then
    perform private.mail_backup_admins('backup_failed', jsonb_build_object(
      'run_id', run.id, 'run_seq', run.seq, 'error_code', code, 'started_at', coalesce(run.started_at, run.requested_at)));
  elsif end_status = 'incomplete' then
    perform private.request_backup('continuation');
  end if;
end;
$$;

-- Every 5 minutes (pg_cron): ends runs whose function is gone (the run's advisory lock is free, or a
-- queued run nobody picked up for 10 minutes), and mails the admins when no run has succeeded for
-- `alert_after` (again a day later while it lasts).
create function private.watch_backups()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  settings ops.backup_settings;
  stale record;
  last_success timestamptz;
begin
  for stale in
    select r.id, r.status from ops.backup_runs as r
     where (r.status = 'running' and not private.backup_lock_held())
        or (r.status = 'queued' and r.requested_at < now() - interval '10 minutes')
  loop
    perform private.end_backup_run(stale.id, 'failed',
      case when stale.status = 'running' then 'interrupted' else 'not_started' end,
      case when stale.status = 'running' then 'The backup function stopped before the run ended.'
           else 'The backup function did not pick the run up.' end);
  end loop;

  select * into settings from ops.backup_settings;
  select max(r.snapshot_at) into last_success from ops.backup_runs as r where r.status = 'succeeded';
  if coalesce(last_success, settings.created_at) < now() - settings.alert_after
     and (settings.overdue_alerted_at is null
          or settings.overdue_alerted_at < coalesce(last_success, settings.created_at)
          or settings.overdue_alerted_at < now() - interval '1 day') then
    perform private.mail_backup_admins('backup_overdue', jsonb_build_object(
      'last_success_at', last_success, 'configured', private.backup_configured(),
      'hours', round(extract(epoch from settings.alert_after) / 3600)));
    update ops.backup_settings set overdue_alerted_at = now();
  end if;
end;
$$;

-- The function holds this session lock for a whole run; a crashed function's lock goes with its connection.
create function private.backup_lock_key()
returns bigint
language sql
immutable
set search_path = ''
as $$
  select 7314502611::bigint
$$;

create function private.backup_lock_held()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from pg_catalog.pg_locks as l
     where l.locktype = 'advisory' and l.granted
       and ((l.classid::bigint << 32) | l.objid::bigint) = private.backup_lock_key())
$$;

select cron.schedule('portal-backup-watch', '*/5 * * * *', 'select private.watch_backups()');
-- Creates the job portal-backup from the default schedule.
update ops.backup_settings set schedule = schedule;

-- ---------------------------------------------------------------------------------------------
-- Verification: one checksum per table, computed the same way at backup time (inside the run's
-- snapshot) and after a restore, so a restore proves every table equals the source at that point.
-- Order-independent (a sum of per-row hashes), so no sort of big tables; settings pinned so the
-- text of a row does not depend on the session.
-- ---------------------------------------------------------------------------------------------

create function private.backup_table_checksum(relation regclass)
returns table (row_count bigint, checksum text)
language plpgsql
stable
set search_path = ''
set timezone = 'UTC'
set datestyle = 'ISO, YMD'
set intervalstyle = 'postgres'
set extra_float_digits = 1
set bytea_output = 'hex'
as $$
begin
  return query execute format(
    'select count(*), coalesce(sum((''x'' || left(md5(t::text), 15))::bit(60)::bigint::numeric), 0)::text from only %s as t',
    relation);
end;
$$;
comment on function private.backup_table_checksum(regclass) is
  'Rows and an order-independent checksum of a table (backup manifests, restore verification).';

-- ---------------------------------------------------------------------------------------------
-- Retention: every run for keep_all_for, the last run of each day (Europe/Berlin) for
-- keep_daily_for, the first full copy of each month for keep_monthly_for, and always the newest.
-- A kept point needs every run of its chain up to it; a file artefact stays while any kept point
-- saw it live. Returns what may go; the function deletes it from the bucket, then marks it deleted.
-- ---------------------------------------------------------------------------------------------

create function private.backup_prunable(at_time timestamptz default now())
returns table (run_id uuid, key text)
language sql
stable
security definer
set search_path = ''
as $$
  with settings as (select * from ops.backup_settings),
  points as (
    select r.*, (r.snapshot_at at time zone 'Europe/Berlin') as local_at
      from ops.backup_runs as r where r.status = 'succeeded' and r.pruned_at is null
  ),
  kept as (
    select p.id, p.seq, p.base_run_id from points as p, settings as s where p.snapshot_at >= at_time - s.keep_all_for
    union
    (select distinct on (date_trunc('day', p.local_at)) p.id, p.seq, p.base_run_id
       from points as p, settings as s where p.snapshot_at >= at_time - s.keep_daily_for
      order by date_trunc('day', p.local_at), p.seq desc)
    union
    (select distinct on (date_trunc('month', p.local_at)) p.id, p.seq, p.base_run_id
       from points as p, settings as s where p.snapshot_at >= at_time - s.keep_monthly_for
      order by date_trunc('month', p.local_at), (p.kind = 'full') desc, p.seq)
    union
    select p.id, p.seq, p.base_run_id from points as p where p.seq = (select max(seq) from points)
  ),
  needed as (
    select p.id from points as p join kept as k on p.base_run_id = k.base_run_id and p.seq <= k.seq
  ),
  gone_runs as (
    select p.id from points as p where p.id not in (select id from needed)
    union
    select r.id from ops.backup_runs as r
     where r.status in ('failed', 'incomplete') and r.pruned_at is null and r.finished_at < at_time - interval '1 day'
  )
  select a.run_id, a.key
    from ops.backup_artefacts as a
   where a.run_id in (select id from gone_runs) and a.kind <> 'file' and a.state <> 'deleted'
  union all
  select a.run_id, a.key
    from ops.backup_artefacts as a
   where a.kind = 'file' and a.state <> 'deleted'
     and a.created_at < at_time - interval '1 day'
     and not exists (
       select 1 from ops.backup_live_files as f join kept as k
           on f.since_seq <= k.seq and (f.until_seq is null or f.until_seq > k.seq)
        where f.key = a.key)
  union all
  -- runs that were pruned away entirely get their marker (no artefacts left)
  select g.id, null from gone_runs as g
$$;
comment on function private.backup_prunable(timestamptz) is
  'Artefacts retention lets go (key) and the runs they belong to; rows with a null key name runs to mark pruned.';

-- ---------------------------------------------------------------------------------------------
-- Admins: overview, runs, sizes, "Jetzt sichern"
-- ---------------------------------------------------------------------------------------------

create function private.require_admin()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  caller uuid := private.require_access();
begin
  if not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins manage backups.';
  end if;
  return caller;
end;
$$;

create function public.backup_overview()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  settings ops.backup_settings;
  result jsonb;
begin
  perform private.require_admin();
  select * into settings from ops.backup_settings;
  select jsonb_build_object(
    'configured', private.backup_configured(),
    'schedule', settings.schedule,
    'next_run_at', private.cron_next_run(settings.schedule),
    'full_every', extract(epoch from settings.full_every)::bigint,
    'alert_after', extract(epoch from settings.alert_after)::bigint,
    'retention', jsonb_build_object('all_days', extract(day from settings.keep_all_for),
                                    'daily_days', extract(day from settings.keep_daily_for),
                                    'monthly_months', extract(year from settings.keep_monthly_for) * 12 + extract(month from settings.keep_monthly_for)),
    'last_success', (select jsonb_build_object('id', r.id, 'seq', r.seq, 'kind', r.kind, 'snapshot_at', r.snapshot_at,
                                               'finished_at', r.finished_at, 'bytes', r.bytes, 'manifest_sha256', r.manifest_sha256)
                       from ops.backup_runs as r where r.status = 'succeeded' order by r.seq desc limit 1),
    'last_run', (select jsonb_build_object('id', r.id, 'seq', r.seq, 'status', r.status, 'error_code', r.error_code,
                                           'requested_at', r.requested_at, 'finished_at', r.finished_at)
                   from ops.backup_runs as r order by r.seq desc limit 1),
    'active_run', (select jsonb_build_object('id', r.id, 'seq', r.seq, 'status', r.status, 'step', r.step, 'trigger', r.trigger,
                                             'requested_at', r.requested_at, 'started_at', r.started_at)
                     from ops.backup_runs as r where r.status in ('queued', 'running')),
    'stored_bytes', (select coalesce(sum(a.bytes), 0) from ops.backup_artefacts as a where a.state = 'stored')
  ) into result;
  return result;
end;
$$;
comment on function public.backup_overview() is
  'Admins: whether backups are configured, schedule and next run, last success, last and active run, bytes stored. Errors: not_authenticated, session_required, mfa_required, forbidden.';

create function public.list_backup_runs(before_seq bigint default null, only_status text default null, max_count integer default 20)
returns table (
  id uuid, seq bigint, trigger text, status text, kind text, full_reason text, requested_at timestamptz,
  started_at timestamptz, snapshot_at timestamptz, finished_at timestamptz, bytes bigint, artefacts integer,
  db_changes bigint, files_added integer, files_deleted integer, stored_bytes bigint, error_code text, pruned boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  if only_status is not null and only_status not in ('queued', 'running', 'succeeded', 'incomplete', 'failed') then
    raise exception using errcode = 'P0001', message = 'invalid_status', detail = only_status;
  end if;
  return query
    select r.id, r.seq, r.trigger, r.status, r.kind, r.full_reason, r.requested_at, r.started_at, r.snapshot_at,
           r.finished_at, r.bytes, r.artefacts, r.db_changes, r.files_added, r.files_deleted, r.stored_bytes,
           r.error_code, r.pruned_at is not null
      from ops.backup_runs as r
     where (list_backup_runs.before_seq is null or r.seq < list_backup_runs.before_seq)
       and (list_backup_runs.only_status is null or r.status = list_backup_runs.only_status)
     order by r.seq desc
     limit greatest(least(coalesce(max_count, 20), 100), 1);
end;
$$;
comment on function public.list_backup_runs(bigint, text, integer) is
  'Admins: backup runs, newest first, keyset paged by seq, optionally one status. Errors: not_authenticated, session_required, mfa_required, forbidden, invalid_status.';

create function public.backup_size_history(days integer default 30)
returns table (day date, stored_bytes bigint, uploaded_bytes bigint, runs integer, failed_runs integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return query
    select (r.requested_at at time zone 'Europe/Berlin')::date as day,
           (array_agg(r.stored_bytes order by r.seq desc) filter (where r.stored_bytes is not null))[1],
           sum(r.bytes)::bigint,
           count(*)::integer,
           (count(*) filter (where r.status = 'failed'))::integer
      from ops.backup_runs as r
     where r.requested_at >= now() - make_interval(days => greatest(least(coalesce(backup_size_history.days, 30), 366), 1))
     group by 1
     order by 1;
end;
$$;
comment on function public.backup_size_history(integer) is
  'Admins: per day (Europe/Berlin) the bytes stored after the last run, bytes uploaded, runs and failures. Errors: as backup_overview.';

create function public.request_backup()
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := private.require_admin();
  active_before boolean := exists (select 1 from ops.backup_runs as r where r.status in ('queued', 'running'));
  run ops.backup_runs;
begin
  if not private.backup_configured() then
    raise exception using errcode = 'P0001', message = 'backup_not_configured',
      hint = 'Store the Vault secrets backup_target and backup_recipients (edge-functions/backup/README.md).';
  end if;
  run := private.request_backup('manual', caller);
  if not active_before then
    perform private.audit('backup.requested', 'backup_run', run.id::text, jsonb_build_object('seq', run.seq), caller);
  end if;
  return jsonb_build_object('run_id', run.id, 'seq', run.seq, 'status', run.status, 'already_running', active_before);
end;
$$;
comment on function public.request_backup() is
  'Admins: start a backup now ("Jetzt sichern"); returns the run (the one already active, already_running true). Errors: not_authenticated, session_required, mfa_required, forbidden, backup_not_configured.';

-- ---------------------------------------------------------------------------------------------
-- Live updates: the Verwaltung's backups view listens on the private topic `backups`.
-- ---------------------------------------------------------------------------------------------

create function private.broadcast_backup_run()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('id', new.id, 'seq', new.seq, 'status', new.status, 'step', new.step),
    'run_changed', 'backups', true);
  return null;
end;
$$;

create trigger backup_runs_broadcast
  after insert or update of status, step on ops.backup_runs
  for each row execute function private.broadcast_backup_run();

create function private.is_backups_topic_reader(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select topic = 'backups' and private.is_admin()
$$;

create policy "Admins can receive broadcasts on the backups topic"
  on realtime.messages for select to authenticated
  using (topic = (select realtime.topic())
         and extension = 'broadcast'
         and (select private.is_backups_topic_reader((select realtime.topic()))));

-- ---------------------------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------------------------

revoke execute on function private.cron_field_values(text, integer, integer), private.cron_next_run(text, timestamptz),
  private.schedule_backups(), private.backup_configured(), private.post_backup_run(uuid),
  private.request_backup(text, uuid), private.mail_backup_admins(text, jsonb),
  private.end_backup_run(uuid, text, text, text), private.watch_backups(), private.backup_lock_key(),
  private.backup_lock_held(), private.backup_table_checksum(regclass), private.backup_prunable(timestamptz),
  private.require_admin(), private.broadcast_backup_run(), private.is_backups_topic_reader(text)
  from public;
revoke execute on function public.backup_overview(), public.list_backup_runs(bigint, text, integer),
  public.backup_size_history(integer), public.request_backup() from public, anon;
grant execute on function public.backup_overview(), public.list_backup_runs(bigint, text, integer),
  public.backup_size_history(integer), public.request_backup() to authenticated;
grant execute on function private.is_backups_topic_reader(text) to authenticated;
