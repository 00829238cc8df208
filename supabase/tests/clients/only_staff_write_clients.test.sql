-- Test: staff create and edit clients, only admins delete them, clients change nothing.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$insert into public.clients (kind, name, reference_number) values ('person', 'X', 'T-X')$$, '42501', null,
  'a client user cannot create clients');
select results_eq($$with changed as (update public.clients set name = 'Renamed' where id = tests.fixture('client_a_org') returning 1)
                   select count(*)::int from changed$$, array[0], 'a client user cannot rename its own client');
select tests.act_as('staff');
select lives_ok($$insert into public.clients (kind, name, reference_number) values ('person', 'Neu', 'T-N')$$, 'staff create clients');
select lives_ok($$update public.clients set name = 'Alpha Bau AG' where id = tests.fixture('client_a_org')$$, 'staff edit clients');
select results_eq($$with gone as (delete from public.clients where reference_number = 'T-N' returning 1) select count(*)::int from gone$$,
  array[0], 'a non-admin cannot delete clients');
select tests.act_as('lawyer');
select results_eq($$with gone as (delete from public.clients where reference_number = 'T-N' returning 1) select count(*)::int from gone$$,
  array[1], 'the admin can');

select * from finish();
rollback;
