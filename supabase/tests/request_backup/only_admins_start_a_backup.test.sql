-- Test: "Jetzt sichern" is for admins with a confirmed session only, needs a configured target,
-- and a second request while a run is queued returns that run instead of a new one.
begin;
select plan(7);

select tests.create_portal_world();
delete from vault.secrets where name in ('backup_target', 'backup_recipients');
select tests.act_as('lawyer');
select throws_ok('select public.request_backup()', 'P0001', 'backup_not_configured', 'without a target nothing starts');

select tests.clear_authentication();
select vault.create_secret('{"endpoint":"http://127.0.0.1:9","bucket":"b","accessKeyId":"k","secretAccessKey":"s"}', 'backup_target');
select vault.create_secret('age1j2lewlq2397mcck0wdd084rxnvmfja8ph9t3zfpxau3fst2y5ydq43xy5r', 'backup_recipients');

select tests.act_as('lawyer');
create temporary table first_request on commit drop as select public.request_backup() as answer;
grant select on first_request to authenticated;
select is((select answer->>'already_running' from first_request), 'false', 'the admin starts a run');
select is((select public.request_backup()->>'run_id'), (select answer->>'run_id' from first_request), 'asking again returns the queued run');
select tests.act_as('staff');
select throws_ok('select public.request_backup()', 'P0001', 'forbidden', 'an employee cannot start a backup');
select tests.act_as('client_a');
select throws_ok('select public.request_backup()', 'P0001', 'forbidden', 'a client cannot');
select tests.authenticate_as('lawyer', 'aal1');
select throws_ok('select public.request_backup()', 'P0001', 'mfa_required', 'the admin without the second factor cannot');
select tests.clear_authentication();
select is((select count(*)::int from ops.backup_runs where status = 'queued' and trigger = 'manual'), 1, 'exactly one run was queued');

select * from finish();
rollback;
