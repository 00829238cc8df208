-- Scheduler heartbeats: the `heartbeat` edge function records one row each time a pg_cron job
-- reaches it through net.http_post. A recent row proves the whole scheduled path works
-- (pg_cron → pg_net → Functions with a key from Vault → database); operations can watch it.
-- Internal state: schema ops, service role and the database only.

create table ops.scheduler_heartbeats (
  id          bigint generated always as identity primary key,
  job         text not null check (length(job) between 1 and 200),
  received_at timestamptz not null default now()
);
comment on table ops.scheduler_heartbeats is
  'One row per call of the heartbeat edge function by a scheduled job (pg_cron → net.http_post).';

create index scheduler_heartbeats_job_received_at_idx on ops.scheduler_heartbeats (job, received_at desc);

alter table ops.scheduler_heartbeats enable row level security;
-- No policies: only the service role (bypasses RLS) and postgres read it.
grant select on ops.scheduler_heartbeats to service_role;
