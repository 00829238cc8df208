-- Test: a session that passed our e-mail factor passes the gate; another session of the same
-- user does not, and the assurance ends with its session.
begin;
select plan(4);

select tests.create_portal_world();
insert into private.email_factors (user_id) values (tests.get_user_id('past_grace'));
select tests.remember('verified_session', tests.create_session('past_grace'));
insert into private.session_assurances (session_id, user_id)
values (tests.fixture('verified_session'), tests.get_user_id('past_grace'));

select tests.act_as('past_grace', tests.fixture('verified_session'));
select is((select count(*)::int from public.matters), 2, 'the e-mail-verified session sees the client''s matters');
select tests.act_as('past_grace');
select is((select count(*)::int from public.matters), 0, 'another session of the same user sees nothing');
select is((public.my_access_state() ->> 'step_up_required')::boolean, true, 'and is asked to step up');

select tests.clear_authentication();
delete from auth.sessions where id = tests.fixture('verified_session');
select tests.act_as('past_grace', tests.fixture('verified_session'));
select is(private.access_allowed(), false, 'a token of a signed-out session no longer passes');

select * from finish();
rollback;
