-- Test: the staff table (with the admin flag) is for staff eyes only.
begin;
select plan(4);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select user_id as id from public.staff'), array['lawyer', 'staff'], 'staff see the staff list');
select is(tests.visible_as('client_a', 'select user_id as id from public.staff'), '{}'::text[], 'a client user does not');
select is(tests.visible_as('guest', 'select user_id as id from public.staff'), '{}'::text[], 'a guest does not');
select is(tests.visible_as('client_b', 'select user_id as id from public.staff'), '{}'::text[], 'client B does not');

select * from finish();
rollback;
