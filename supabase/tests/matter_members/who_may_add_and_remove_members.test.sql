-- Test: staff add members (role must fit the person); guests cannot remove others but may leave;
-- other clients cannot touch A's matters.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$insert into public.matter_members (matter_id, user_id, role) values (tests.fixture('matter_a2'), tests.fixture('client_b'), 'client')$$,
  'P0001', 'member_role_mismatch', 'a client row needs a user of the matter''s client');
select throws_ok($$insert into public.matter_members (matter_id, user_id, role) values (tests.fixture('matter_a2'), tests.fixture('client_a2'), 'guest')$$,
  'P0001', 'member_role_mismatch', 'a client''s own user is no guest');
select lives_ok($$insert into public.matter_members (matter_id, user_id, role) values (tests.fixture('matter_a2'), tests.fixture('client_b'), 'guest')$$,
  'staff add a guest directly');
select tests.act_as('client_a');
select throws_ok($$insert into public.matter_members (matter_id, user_id, role) values (tests.fixture('matter_a1'), tests.fixture('client_b'), 'guest')$$,
  '42501', null, 'client users add guests only by invitation');
select tests.act_as('guest');
select results_eq($$with gone as (delete from public.matter_members where user_id <> auth.uid() returning 1) select count(*)::int from gone$$,
  array[0], 'the guest cannot remove others');
select tests.act_as('client_b');
select results_eq($$with gone as (delete from public.matter_members where matter_id = tests.fixture('matter_a1') returning 1)
                   select count(*)::int from gone$$, array[0], 'client B cannot remove members of A1');
select tests.act_as('guest');
select results_eq($$with gone as (delete from public.matter_members where user_id = auth.uid() returning 1) select count(*)::int from gone$$,
  array[1], 'the guest may leave');

select * from finish();
rollback;
