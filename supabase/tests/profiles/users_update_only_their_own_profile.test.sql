-- Test: users change their own name and language, nothing else and nobody else's.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select lives_ok($$update public.profiles set display_name = 'Anton A.', locale = 'en' where id = auth.uid()$$,
  'a user changes its own name and language');
select results_eq($$with changed as (update public.profiles set display_name = 'Hacked' where id = tests.fixture('client_a2') returning 1)
                   select count(*)::int from changed$$, array[0], 'a user cannot rename a co-member');
select throws_ok($$update public.profiles set created_at = now() where id = auth.uid()$$, '42501', null,
  'other columns are not writable');
select throws_ok($$update public.profiles set locale = 'fr' where id = auth.uid()$$, '23514', null, 'only de and en are locales');
select throws_ok($$insert into public.profiles (id, display_name) values (gen_random_uuid(), 'x')$$, '42501', null,
  'profiles are never inserted by users');

select * from finish();
rollback;
