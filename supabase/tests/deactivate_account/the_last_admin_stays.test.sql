-- Test: "at least one admin" counts admins whose account is active: with the other admins
-- deactivated, the last one cannot give up the admin flag or leave the staff (last_admin).
begin;
select plan(3);

select tests.create_portal_world();
insert into public.staff (user_id, is_admin) values (tests.get_user_id('client_b'), true);
insert into private.account_deactivations (user_id)
select s.user_id from public.staff as s where s.is_admin and s.user_id <> tests.get_user_id('lawyer');
select is(tests.outcome_as('lawyer', format('update public.staff set is_admin = false where user_id = %L', tests.get_user_id('lawyer'))),
  'P0001 last_admin', 'the last active admin keeps the flag');
select is(tests.outcome_as('lawyer', format('delete from public.staff where user_id = %L', tests.get_user_id('lawyer'))),
  'P0001 last_admin', 'and stays staff');
delete from private.account_deactivations where user_id = tests.get_user_id('client_b');
select is(tests.outcome_as('lawyer', format('update public.staff set is_admin = false where user_id = %L', tests.get_user_id('lawyer'))),
  'ok', 'with another active admin it may step down');

select * from finish();
rollback;
