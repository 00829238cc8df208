-- Test: a user with a TOTP factor passes the gate in an aal2 session and fails it in an aal1
-- session of the same account.
begin;
select plan(4);

select tests.create_portal_world();

select tests.authenticate_as('totp_aal1', 'aal2');
select is(private.access_allowed(), true, 'an aal2 session of a user with TOTP passes the gate');
select is((select count(*)::int from public.matters), 2, 'in aal2 the client user sees the matters of its client');

select tests.authenticate_as('totp_aal1', 'aal1');
select is(private.access_allowed(), false, 'an aal1 session of a user with TOTP fails the gate');
select is((select count(*)::int from public.matters), 0, 'in aal1 the same user sees no matter');

select * from finish();
rollback;
