-- Test: a client sees the groups it belongs to and its own group membership, never which other
-- clients share a group; only staff write groups.
begin;
select plan(7);

select tests.create_portal_world();
select tests.clear_authentication();
insert into public.client_group_members (group_id, client_id) values (tests.fixture('group_g'), tests.fixture('client_b_org'));

select is(tests.visible_as('client_a', 'select id from public.client_groups'), array['group_g'], 'client A sees group G only');
select is(tests.visible_as('client_b', 'select id from public.client_groups'), array['group_g', 'group_h'], 'client B sees its two groups');
select is(tests.visible_as('client_a', 'select client_id as id from public.client_group_members'), array['client_a_org'],
  'client A sees only its own group rows, not that client B is in G too');
select is(tests.visible_as('guest', 'select id from public.client_groups'), '{}'::text[], 'the guest sees no group');
select is(tests.visible_as('staff', 'select client_id as id from public.client_group_members'),
  array['client_a_org', 'client_b_org', 'client_b_org'], 'staff see every group membership');
select tests.act_as('client_a');
select throws_ok($$insert into public.client_groups (name) values ('Mine')$$, '42501', null, 'clients cannot create groups');
select throws_ok($$insert into public.client_group_members (group_id, client_id) values (tests.fixture('group_h'), tests.fixture('client_a_org'))$$,
  '42501', null, 'clients cannot join groups');

select * from finish();
rollback;
