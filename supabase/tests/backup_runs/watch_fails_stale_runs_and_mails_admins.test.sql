-- Test: a running run whose function is gone (its lock is free) fails as interrupted and the
-- admins get a mail; with no success for alert_after they get one overdue mail, not one per check.
begin;
select plan(5);

select tests.create_portal_world();
update ops.backup_settings set created_at = now() - interval '1 day', overdue_alerted_at = null;
delete from ops.backup_run_files;
delete from ops.backup_live_files;
delete from ops.backup_artefacts;
delete from ops.backup_runs;
insert into ops.backup_runs (trigger, status, started_at) values ('schedule', 'running', now());
select private.watch_backups();

select is((select status || '/' || error_code from ops.backup_runs), 'failed/interrupted', 'the stale run failed as interrupted');
select ok(exists (select 1 from ops.mail_outbox as m join auth.users as u on u.email = m.recipient
                   where m.template = 'backup_failed' and u.id = tests.get_user_id('lawyer')), 'the admin is mailed about it');
select ok(not exists (select 1 from ops.mail_outbox as m join auth.users as u on u.email = m.recipient
                       where m.template like 'backup_%' and u.id = tests.get_user_id('staff')), 'employees are not');
select is((select count(*)::int from ops.mail_outbox as m join auth.users as u on u.email = m.recipient
            where m.template = 'backup_overdue' and u.id = tests.get_user_id('lawyer')), 1, 'no success for a day: one overdue mail');
select private.watch_backups();
select is((select count(*)::int from ops.mail_outbox as m join auth.users as u on u.email = m.recipient
            where m.template = 'backup_overdue' and u.id = tests.get_user_id('lawyer')), 1, 'the next check does not mail again');

select * from finish();
rollback;
