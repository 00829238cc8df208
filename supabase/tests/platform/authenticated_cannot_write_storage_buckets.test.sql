-- Test: buckets are created by migrations or the service role, never by signed-in users.
begin;
select plan(3);

select tests.create_user('alice');

select tests.authenticate_as('alice');
select throws_ok(
  $$insert into storage.buckets (id, name) values ('alice-bucket', 'alice-bucket')$$,
  '42501', null, 'authenticated cannot create a bucket (RLS without policies)'
);

select tests.authenticate_as_anon();
select throws_ok(
  $$insert into storage.buckets (id, name) values ('anon-bucket', 'anon-bucket')$$,
  '42501', null, 'anon cannot create a bucket'
);

select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into storage.buckets (id, name) values ('service-bucket', 'service-bucket')$$,
  'the service role can create a bucket'
);

select * from finish();
rollback;
