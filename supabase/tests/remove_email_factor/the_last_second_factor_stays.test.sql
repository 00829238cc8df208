-- Test: remove_email_factor() refuses to remove the account's only second factor (a verified
-- session is not enough), and a token whose session has ended cannot remove anything.
begin;
select plan(5);

select tests.create_portal_world();
insert into private.email_factors (user_id) values (tests.get_user_id('client_a2')), (tests.get_user_id('staff'));
select tests.remember('verified', tests.create_session('client_a2'));
insert into private.session_assurances (session_id, user_id) values (tests.fixture('verified'), tests.get_user_id('client_a2'));

select tests.act_as('client_a2', tests.fixture('verified'));
select throws_ok('select public.remove_email_factor()', 'P0001', 'last_second_factor',
  'a verified session cannot remove the only factor');
select tests.clear_authentication();
select is((select count(*)::int from private.email_factors where user_id = tests.get_user_id('client_a2')), 1,
  'the factor stays, so the account keeps needing it');

select tests.remember('ended_session', tests.create_session('staff', 'aal2'));
delete from auth.sessions where id = tests.fixture('ended_session');
select tests.act_as('staff', tests.fixture('ended_session'));
select throws_ok('select public.remove_email_factor()', 'P0001', 'session_required',
  'an aal2 token of an ended session removes nothing');
select tests.act_as('staff');
select lives_ok('select public.remove_email_factor()', 'beside the app factor, a live aal2 session removes it');
select tests.clear_authentication();
select ok(not exists (select 1 from private.email_factors where user_id = tests.get_user_id('staff')), 'and it is gone');

select * from finish();
rollback;
