-- Test: codes are bound to sessions, so a token without a live session of this user gets none.
begin;
select plan(3);

select tests.create_portal_world();

select tests.act_as('client_a2', gen_random_uuid());
select throws_ok('select public.request_email_code()', 'P0001', 'session_required', 'a session id that does not exist is refused');
select tests.act_as('client_a2', tests.create_session('client_b'));
select throws_ok('select public.request_email_code()', 'P0001', 'session_required', 'another user''s session id is refused');
select tests.authenticate_as_anon();
select throws_ok('select public.verify_email_code(''123456'')', '42501', null, 'anon cannot verify codes');

select * from finish();
rollback;
