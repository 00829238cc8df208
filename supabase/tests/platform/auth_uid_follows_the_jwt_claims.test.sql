-- Test: auth.uid(), auth.role(), auth.email() and auth.jwt() read the claims PostgREST sets.
begin;
select plan(6);

select tests.create_user('alice', 'alice@test.example');
select tests.create_user('bob', 'bob@test.example');

select tests.authenticate_as('alice');
select is(auth.uid(), tests.get_user_id('alice'), 'auth.uid() is the sub claim of the signed-in user');
select is(auth.role(), 'authenticated', 'auth.role() is the role claim');
select is(auth.email(), 'alice@test.example', 'auth.email() is the email claim');
select is(auth.jwt() ->> 'aal', 'aal1', 'auth.jwt() exposes the whole token, including aal');

select tests.authenticate_as('bob');
select is(auth.uid(), tests.get_user_id('bob'), 'switching persona switches auth.uid()');

select tests.clear_authentication();
select is(auth.uid(), null, 'without claims auth.uid() is null');

select * from finish();
rollback;
