-- Test: no role, not even the service role or the owner, updates, deletes or truncates audit
-- events; signed-in users cannot reach them at all.
begin;
select plan(6);

select tests.create_portal_world();
select private.audit('test.event', 'test', 'x');

select throws_ok($$update ops.audit_events set action = 'test.changed'$$, 'P0001', 'audit_events_are_append_only', 'the owner cannot update');
select throws_ok($$delete from ops.audit_events$$, 'P0001', 'audit_events_are_append_only', 'the owner cannot delete');
select throws_ok($$truncate ops.audit_events$$, 'P0001', 'audit_events_are_append_only', 'the owner cannot truncate');
select tests.authenticate_as_service_role();
select throws_ok($$delete from ops.audit_events$$, '42501', null, 'the service role cannot delete');
select is((select count(*)::int from ops.audit_events where action = 'test.event'), 1, 'the service role may read (backups)');
select tests.act_as('lawyer');
select throws_ok('select * from ops.audit_events', '42501', null, 'signed-in users never touch the table directly');

select * from finish();
rollback;
