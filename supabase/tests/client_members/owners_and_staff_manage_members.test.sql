-- Test: staff add and remove client users; a client owner may remove its client's users; a
-- plain member and other clients may not; removing ends access at once.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$insert into public.client_members (client_id, user_id) values (tests.fixture('client_a_org'), tests.fixture('client_b'))$$,
  '42501', null, 'an owner cannot add members directly (only by invitation)');
select tests.act_as('client_a2');
select results_eq($$with gone as (delete from public.client_members where user_id = tests.fixture('totp_aal1') returning 1)
                   select count(*)::int from gone$$, array[0], 'a plain member cannot remove others');
select tests.act_as('client_b');
select results_eq($$with gone as (delete from public.client_members where client_id = tests.fixture('client_a_org') returning 1)
                   select count(*)::int from gone$$, array[0], 'client B cannot remove client A''s members');
select tests.act_as('client_a');
select results_eq($$with gone as (delete from public.client_members where user_id = tests.fixture('client_a2') returning 1)
                   select count(*)::int from gone$$, array[1], 'the owner removes a member of its client');
select is(tests.visible_as('client_a2', 'select id from public.matters'), '{}'::text[], 'the removed user sees no matter any more');
select is(tests.visible_as('client_a2', 'select id from public.tickets'), '{}'::text[], 'nor its own ticket');
select tests.act_as('staff');
select lives_ok($$insert into public.client_members (client_id, user_id, role) values (tests.fixture('client_b_org'), tests.fixture('client_a2'), 'member')$$,
  'staff add a user to a client');
select is(tests.visible_as('client_a2', 'select id from public.clients'), array['client_b_org'], 'the user now sees that client');

select * from finish();
rollback;
