-- Test: an access token whose session was ended (sign-out, factor reset, refresh-token reuse)
-- loses access at once, although the token itself is still valid.
begin;
select plan(5);

select tests.create_portal_world();

select tests.act_as('lawyer');
select ok(private.access_allowed(), 'the lawyer passes the gate in a live aal2 session');
select ok((select count(*) from public.matters) > 0, 'and sees matters');

-- GoTrue removes the session row when the user signs out.
select tests.clear_authentication();
delete from auth.sessions where user_id = tests.get_user_id('lawyer');

select set_config('request.jwt.claims', tests.user_claims('lawyer', 'aal2', gen_random_uuid())::text, true);
select set_config('role', 'authenticated', true);
select is(private.access_allowed(), false, 'a token of a session that no longer exists fails the gate');
select is((select count(*)::int from public.matters), 0, 'and sees no matter');

select tests.act_as('client_a');
select ok(private.access_allowed(), 'another user''s live session is not affected');

select * from finish();
rollback;
