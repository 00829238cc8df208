-- Test: staff open and edit matters, only admins delete them; clients and guests change nothing.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$insert into public.matters (client_id, title) values (tests.fixture('client_a_org'), 'Mine')$$, '42501', null,
  'a client user cannot open a matter');
select results_eq($$with changed as (update public.matters set title = 'x' where id = tests.fixture('matter_a1') returning 1)
                   select count(*)::int from changed$$, array[0], 'a client user cannot rename its matter');
select tests.act_as('guest');
select results_eq($$with changed as (update public.matters set status = 'closed' where id = tests.fixture('matter_a1') returning 1)
                   select count(*)::int from changed$$, array[0], 'the guest cannot close the matter');
select tests.act_as('staff');
select lives_ok($$insert into public.matters (client_id, title) values (tests.fixture('client_b_org'), 'B2 Neu')$$, 'staff open matters');
select results_eq($$with gone as (delete from public.matters where title = 'B2 Neu' returning 1) select count(*)::int from gone$$,
  array[0], 'a non-admin cannot delete a matter');
select tests.act_as('lawyer');
select results_eq($$with gone as (delete from public.matters where title = 'B2 Neu' returning 1) select count(*)::int from gone$$,
  array[1], 'the admin can');

select * from finish();
rollback;
