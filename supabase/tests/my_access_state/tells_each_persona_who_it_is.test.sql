-- Test: my_access_state() names the caller's persona, the first that applies of admin, staff,
-- client (a client user) and guest (invited into matters only); a user without any membership has
-- none. It does so before the second factor is passed, so the app can route at start.
begin;
select plan(9);

select tests.create_portal_world();
select tests.create_user('newcomer', 'newcomer@test.example', now(), '{"display_name":"Nora Neu"}');

select is(tests.access_state_as('lawyer') ->> 'persona', 'admin', 'the lawyer is admin');
select is(tests.access_state_as('staff') ->> 'persona', 'staff', 'an employee is staff');
select is(tests.access_state_as('client_a') ->> 'persona', 'client', 'a client owner is a client user');
select is(tests.access_state_as('client_a2') ->> 'persona', 'client', 'a client member is a client user');
select is(tests.access_state_as('guest') ->> 'persona', 'guest', 'a guest in a matter is guest');
select is(tests.access_state_as('totp_aal1') ->> 'persona', 'client', 'an aal1 session that must step up still learns its persona');
select ok(tests.access_state_as('newcomer') ? 'persona' and tests.access_state_as('newcomer') ->> 'persona' is null,
  'a user without any membership has persona null');

-- A client user invited as guest into another client's matter stays a client user.
insert into public.matter_members (matter_id, user_id, role, added_by)
values (tests.fixture('matter_b1'), tests.get_user_id('client_a2'), 'guest', tests.get_user_id('client_b'));
select is(tests.access_state_as('client_a2') ->> 'persona', 'client', 'client comes before guest');

-- A guest becomes a client user once a client takes it in.
insert into public.client_members (client_id, user_id, role)
values (tests.fixture('client_b_org'), tests.get_user_id('guest'), 'member');
select is(tests.access_state_as('guest') ->> 'persona', 'client', 'a guest who joins a client is a client user');

select * from finish();
rollback;
