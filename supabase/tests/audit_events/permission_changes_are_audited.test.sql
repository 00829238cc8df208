-- Test: adding and removing client and matter members is audited with actor, request id and IP
-- when PostgREST passed them.
begin;
select plan(4);

select tests.create_portal_world();
select set_config('request.headers', '{"x-forwarded-for":"203.0.113.7, 10.0.0.1","x-request-id":"req-42"}', true);
select tests.act_as('client_a');
delete from public.matter_members where user_id = tests.fixture('guest');
select tests.act_as('staff');
insert into public.client_members (client_id, user_id) values (tests.fixture('client_b_org'), tests.fixture('guest'));
select tests.clear_authentication();

select is((select actor_id from ops.audit_events where action = 'permission.revoked' and entity_type = 'matter_members'
             and entity_id = tests.fixture('guest')::text), tests.fixture('client_a'), 'removing a guest is audited with its actor');
select is((select request_id || ' ' || host(ip) from ops.audit_events where action = 'permission.revoked' and entity_type = 'matter_members'),
  'req-42 203.0.113.7', 'with the request id and the client address');
select ok(exists (select 1 from ops.audit_events where action = 'permission.granted' and entity_type = 'client_members'
                     and entity_id = tests.fixture('guest')::text and actor_id = tests.fixture('staff')), 'adding a client user is audited');
select set_config('request.headers', '{"x-forwarded-for":"not an address"}', true);
select lives_ok($$select private.audit('test.event', 'test')$$, 'a malformed address never breaks the audited action');

select * from finish();
rollback;
