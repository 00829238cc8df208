-- Test: matter_overview answers a matter by its reference (any case) with the caller's role and
-- rights, the members and what the caller may open; others get matter_not_found, as for a
-- reference that does not exist.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('client_a2');
select is((public.matter_overview('t-a1')) ->> 'id', tests.fixture('matter_a1')::text, 'found by its reference in any case');
select is((public.matter_overview('T-A1')) ->> 'my_role', 'client', 'a client user is told it acts as client');
select is(((public.matter_overview('T-A1')) ->> 'can_invite')::boolean, true, 'and may invite');
select is((select array_agg(m ->> 'display_name' order by m ->> 'display_name') from jsonb_array_elements((public.matter_overview('T-A1')) -> 'members') as m),
  array['Anton Alpha', 'Gustav Guest', 'Sam Staff'], 'members: involved staff and client users, and the guest');
select is((select (m ->> 'removable')::boolean from jsonb_array_elements((public.matter_overview('T-A1')) -> 'members') as m where m ->> 'role' = 'staff'),
  false, 'a client user cannot remove involved staff');
select is((select (m ->> 'removable')::boolean from jsonb_array_elements((public.matter_overview('T-A1')) -> 'members') as m where m ->> 'role' = 'guest'),
  true, 'but can remove the guest');
select is(((public.matter_overview('T-A1')) -> 'counts' ->> 'documents')::int, 2, 'counts only documents the caller may open (released and own)');

select tests.act_as('guest');
select is((public.matter_overview('T-A1')) ->> 'my_role', 'guest', 'the guest is told it is a guest');
select is(((public.matter_overview('T-A1')) ->> 'can_invite')::boolean, false, 'and may not invite');
select throws_ok($$select public.matter_overview('T-A2')$$, 'P0001', 'matter_not_found', 'the client''s other matter does not exist for the guest');
select throws_ok($$select public.matter_overview('does-not-exist')$$, 'P0001', 'matter_not_found', 'answered as for a reference nobody has');

select tests.act_as('staff');
select is(((public.matter_overview('T-B1')) ->> 'can_edit')::boolean, true, 'staff may edit any matter');

select * from finish();
rollback;
