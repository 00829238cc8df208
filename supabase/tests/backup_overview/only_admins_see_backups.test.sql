-- Test: the backups view (overview, runs, sizes) is the admins'; others are refused by the database.
begin;
select plan(8);

select tests.create_portal_world();
delete from ops.backup_run_files;
delete from ops.backup_live_files;
delete from ops.backup_artefacts;
delete from ops.backup_runs;
update ops.backup_settings set schedule = '0 */2 * * *';
insert into ops.backup_runs (trigger, status, kind, requested_at, snapshot_at, finished_at, bytes, stored_bytes)
values ('schedule', 'succeeded', 'full', now() - interval '3 hours', now() - interval '3 hours', now() - interval '3 hours', 1000, 1000),
       ('schedule', 'failed', null, now() - interval '1 hour', null, now() - interval '1 hour', 0, null);

select tests.act_as('lawyer');
select is((select public.backup_overview()->'last_success'->>'bytes'), '1000', 'the admin sees the last success');
select ok((select extract(minute from t) = 0 and extract(hour from t at time zone 'UTC')::int % 2 = 0 and t > now() and t <= now() + interval '2 hours'
            from (select (public.backup_overview()->>'next_run_at')::timestamptz as t) as next), 'and when the next run starts (every 2 hours)');
select is((select array_agg(status order by seq desc) from public.list_backup_runs()), array['failed', 'succeeded'], 'runs come newest first');
select is((select array_agg(status) from public.list_backup_runs(only_status => 'failed')), array['failed'], 'filtered by status');
select is((select count(*)::int from public.list_backup_runs(before_seq => (select max(seq) from public.list_backup_runs()))), 1, 'paged by seq');
select throws_ok('select * from public.list_backup_runs(only_status => ''lost'')', 'P0001', 'invalid_status', 'an unknown status is refused');
select tests.act_as('staff');
select throws_ok('select public.backup_overview()', 'P0001', 'forbidden', 'an employee sees no backups');
select tests.act_as('guest');
select throws_ok('select * from public.backup_size_history()', 'P0001', 'forbidden', 'a guest neither');

select * from finish();
rollback;
