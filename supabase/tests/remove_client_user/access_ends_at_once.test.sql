-- Test: removing a user ends its access in the same transaction: no more rows of the client, no
-- download grant, and — when it has no other membership — no session; the open app is told.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('client_a2');
select public.document_download_url(tests.fixture('doc_a1_released'));
select tests.clear_authentication();

select tests.act_as('staff');
select is(public.remove_client_user(tests.fixture('client_a_org'), tests.get_user_id('client_a2')) ->> 'sessions_ended', '1',
  'its one session ended');
select tests.clear_authentication();
select is((select count(*)::int from private.download_grants where user_id = tests.get_user_id('client_a2')), 0, 'the download grant is gone');
select is((select count(*)::int from auth.sessions where user_id = tests.get_user_id('client_a2')), 0, 'no session is left');
select ok(exists (select 1 from realtime.messages where topic = 'user:' || tests.get_user_id('client_a2') and event = 'session_ended'),
  'the open app is told on its user topic');
select is(tests.visible_as('client_a2', 'select id from public.clients'), '{}'::text[], 'a new session sees nothing of the client');
select ok(exists (select 1 from ops.audit_events where action = 'permission.revoked' and entity_id = tests.get_user_id('client_a2')::text),
  'the removal is audited');
select throws_ok(format('select public.remove_client_user(%L, %L)', tests.fixture('client_a_org'), tests.get_user_id('client_a2')),
  'P0001', 'not_authenticated', 'a second removal is not silently repeated (no caller here)');

select * from finish();
rollback;
