-- Test: the next run shown in the Verwaltung follows pg_cron's reading of the schedule (UTC).
begin;
select plan(5);

select is(private.cron_next_run('0 */2 * * *', '2026-12-03 13:05+00'), '2026-12-03 14:00+00'::timestamptz, 'every 2 hours: the next even hour');
select is(private.cron_next_run('0 */2 * * *', '2026-12-03 14:00+00'), '2026-12-03 16:00+00'::timestamptz, 'a run at the full hour is not its own next');
select is(private.cron_next_run('30 3 * * 1', '2026-12-03 13:05+00'), '2026-12-07 03:30+00'::timestamptz, 'weekly on Monday');
select is(private.cron_next_run('0 0 1,15 * *', '2026-12-31 13:05+00'), '2027-01-01 00:00+00'::timestamptz, 'a list of days across the year');
select throws_ok($$select private.cron_next_run('0 25 * * *')$$, 'P0001', 'invalid_schedule', 'an hour past 23 is refused');

select * from finish();
rollback;
