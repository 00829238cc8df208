-- Test: every new auth user gets a profile, named and localized from its metadata when given.
begin;
select plan(4);

select tests.create_user('named', 'named@test.example', now(), '{"display_name":"  Nora Named ","locale":"en"}');
select tests.create_user('plain', 'plain.person@test.example');
select tests.create_user('blank_name', 'blank.name@test.example', now(), '{"display_name":"   "}');

select is((select display_name || '/' || locale from public.profiles where id = tests.get_user_id('named')),
  'Nora Named/en', 'display name (trimmed) and locale come from the user metadata');
select is((select display_name || '/' || locale from public.profiles where id = tests.get_user_id('plain')),
  'plain.person/de', 'without metadata the name is the e-mail''s local part and the locale German');
select is((select display_name from public.profiles where id = tests.get_user_id('blank_name')), 'blank.name',
  'a blank display name counts as none');
select is((select count(*)::int from auth.users as u where not exists (select 1 from public.profiles as p where p.id = u.id)), 0,
  'no auth user is without a profile');

select * from finish();
rollback;
