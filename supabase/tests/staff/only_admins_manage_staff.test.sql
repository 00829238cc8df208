-- Test: only admins add staff, change roles and remove staff; the change is audited.
begin;
select plan(7);

select tests.create_portal_world();

select tests.act_as('staff');
select throws_ok($$insert into public.staff (user_id) values (tests.fixture('client_b'))$$, '42501', null,
  'a non-admin employee cannot add staff');
select results_eq($$with changed as (update public.staff set is_admin = true where user_id = auth.uid() returning 1)
                   select count(*)::int from changed$$, array[0], 'a non-admin cannot make itself admin');
select tests.act_as('client_a');
select throws_ok($$insert into public.staff (user_id) values (auth.uid())$$, '42501', null, 'a client user cannot make itself staff');

select tests.act_as('lawyer');
select lives_ok($$insert into public.staff (user_id) values (tests.fixture('client_b'))$$, 'the admin adds staff');
select lives_ok($$update public.staff set is_admin = true where user_id = tests.fixture('staff')$$, 'the admin promotes an employee');
select lives_ok($$delete from public.staff where user_id = tests.fixture('client_b')$$, 'the admin removes staff');
select tests.clear_authentication();
select is((select count(*)::int from ops.audit_events where entity_type = 'staff' and action like 'permission.%'
            and actor_id = tests.fixture('lawyer')), 3, 'each staff change is audited with its actor');

select * from finish();
rollback;
