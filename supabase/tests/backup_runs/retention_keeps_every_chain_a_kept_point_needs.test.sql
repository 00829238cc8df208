-- Test: retention keeps recent runs, the last of each day, the first full copy of each month, and
-- every run of the chain each of those needs; file versions stay while a kept point saw them.
begin;
select plan(5);

create temporary table points (name text, seq bigint, id uuid) on commit drop;
create function pg_temp.point(name text, kind text, age interval, base text) returns void language plpgsql as $$
declare
  run ops.backup_runs;
begin
  insert into ops.backup_runs (trigger, status, kind, snapshot_at, requested_at, finished_at)
  values ('schedule', 'succeeded', kind, now() - age, now() - age, now() - age) returning * into run;
  update ops.backup_runs set base_run_id = coalesce((select id from points where points.name = base), run.id) where id = run.id;
  insert into points values (name, run.seq, run.id);
  insert into ops.backup_artefacts (key, run_id, kind, state, created_at) values ('runs/' || run.seq || '.age', run.id, 'table', 'stored', now() - age);
end;
$$;
-- Four months ago: a full copy and two incrementals on one day; 20 days ago: a full and one incremental; yesterday: a full.
select pg_temp.point('old_full', 'full', interval '120 days 3 hours', null);
select pg_temp.point('old_incr_1', 'incremental', interval '120 days 2 hours', 'old_full');
select pg_temp.point('old_incr_2', 'incremental', interval '120 days 1 hour', 'old_full');
select pg_temp.point('mid_full', 'full', interval '20 days 2 hours', null);
select pg_temp.point('mid_incr', 'incremental', interval '20 days 1 hour', 'mid_full');
select pg_temp.point('new_full', 'full', interval '1 day', null);
insert into ops.backup_artefacts (key, run_id, kind, state, object_id, object_version, created_at)
values ('files/a.age', (select id from points where name = 'old_full'), 'file', 'stored', gen_random_uuid(), 'v', now() - interval '120 days'),
       ('files/b.age', (select id from points where name = 'old_full'), 'file', 'stored', gen_random_uuid(), 'v', now() - interval '120 days');
insert into ops.backup_live_files (object_id, version, bucket_id, name, key, since_seq, until_seq)
values (gen_random_uuid(), 'v', 'documents', 'a', 'files/a.age', (select seq from points where name = 'old_incr_1'), (select seq from points where name = 'old_incr_2')),
       (gen_random_uuid(), 'v', 'documents', 'b', 'files/b.age', (select seq from points where name = 'old_full'), null);

create temporary table gone on commit drop as select * from private.backup_prunable();
select is((select array_agg(p.name order by p.seq) from points as p where p.id in (select run_id from gone where key like 'runs/%')),
  array['old_incr_1', 'old_incr_2'], 'the old day''s later runs go; its month keeps the full copy');
select ok(not exists (select 1 from gone as g join points as p on p.id = g.run_id where p.name in ('mid_full', 'mid_incr')),
  'the daily point 20 days ago keeps its whole chain');
select ok(not exists (select 1 from gone as g join points as p on p.id = g.run_id where p.name = 'new_full'), 'the newest run stays');
select ok(exists (select 1 from gone where key = 'files/a.age'), 'a file version no kept point saw live goes');
select ok(not exists (select 1 from gone where key = 'files/b.age'), 'a file version a kept point saw stays');

select * from finish();
rollback;
