-- Test: every session GoTrue opens, and every step-up of its assurance level, is audited with the
-- user, the address and the level.
begin;
select plan(2);

select tests.create_user('signing_in');
insert into auth.sessions (id, user_id, created_at, updated_at, aal, ip, user_agent)
values ('00000000-0000-4000-8000-0000000000aa', tests.get_user_id('signing_in'), now(), now(), 'aal1', '198.51.100.20', 'Firefox');
update auth.sessions set aal = 'aal2' where id = '00000000-0000-4000-8000-0000000000aa';

select is((select actor_id::text || ' ' || host(ip) || ' ' || (details ->> 'aal') from ops.audit_events
            where action = 'auth.signed_in' and entity_id = '00000000-0000-4000-8000-0000000000aa'),
  tests.get_user_id('signing_in')::text || ' 198.51.100.20 aal1', 'a sign-in is audited with user, address and level');
select is((select details from ops.audit_events where action = 'auth.assurance_changed'
            and entity_id = '00000000-0000-4000-8000-0000000000aa'),
  '{"to": "aal2", "from": "aal1"}'::jsonb, 'the step-up to aal2 is audited');

select * from finish();
rollback;
