-- Test: staff create, rename and describe groups, add and remove clients and see which pages a
-- group receives; clients, guests and the anonymous key change nothing, and an overlong
-- description is refused.
begin;
select plan(10);

select tests.create_portal_world();

select is(tests.outcomes($$insert into public.client_groups (name) values ('Gruppe ' || gen_random_uuid())$$,
                         array['lawyer', 'staff', 'client_a', 'guest', 'anon']),
  array['lawyer: ok', 'staff: ok',
        'client_a: 42501 new row violates row-level security policy for table "client_groups"',
        'guest: 42501 new row violates row-level security policy for table "client_groups"',
        'anon: 42501 permission denied for table client_groups'], 'staff and the admin create groups, nobody else');

select tests.act_as('client_b');
select results_eq($$with changed as (update public.client_groups set name = 'Übernommen' where id = tests.fixture('group_h') returning 1)
                   select count(*)::int from changed$$, array[0], 'a client cannot rename its own group');
select results_eq($$with gone as (delete from public.client_groups where id = tests.fixture('group_h') returning 1) select count(*)::int from gone$$,
  array[0], 'nor delete it');
select results_eq($$with gone as (delete from public.client_group_members where group_id = tests.fixture('group_h') returning 1)
                   select count(*)::int from gone$$, array[0], 'nor leave it');

select tests.act_as('staff');
select lives_ok($$update public.client_groups set name = 'Bauwirtschaft', description = 'Mandanten aus Bau und Handwerk'
                   where id = tests.fixture('group_g')$$, 'staff rename and describe a group');
select throws_ok(format($$update public.client_groups set description = %L where id = tests.fixture('group_g')$$, repeat('x', 2001)),
  '23514', null, 'a description over 2,000 characters is refused');
select lives_ok($$insert into public.client_group_members (group_id, client_id) values (tests.fixture('group_g'), tests.fixture('client_b_org'))$$,
  'staff add a client to a group');
select results_eq($$with gone as (delete from public.client_group_members
                                  where group_id = tests.fixture('group_h') and client_id = tests.fixture('client_b_org') returning 1)
                   select count(*)::int from gone$$, array[1], 'and remove one');
select is(tests.visible_as('staff', format('select page_id as id from public.page_audiences where group_id = %L', tests.fixture('group_g'))),
  array['page_g'], 'staff see which pages a group receives');
select tests.clear_authentication();
select is((select array_agg(action order by id) from ops.audit_events
            where entity_type = 'client_group_members' and actor_id = tests.get_user_id('staff')),
  array['permission.granted', 'permission.revoked'], 'both membership changes are audited with the employee as actor');

select * from finish();
rollback;
