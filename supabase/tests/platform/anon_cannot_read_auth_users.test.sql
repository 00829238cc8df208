-- Test: the API roles cannot read GoTrue's tables directly.
begin;
select plan(3);

select tests.create_user('alice');

select tests.authenticate_as_anon();
select throws_ok('select count(*) from auth.users', '42501', null, 'anon cannot read auth.users');

select tests.authenticate_as('alice');
select throws_ok('select count(*) from auth.users', '42501', null, 'authenticated cannot read auth.users');
select throws_ok('select count(*) from auth.sessions', '42501', null, 'authenticated cannot read auth.sessions');

select * from finish();
rollback;
