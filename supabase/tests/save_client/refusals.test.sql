-- Test: bad input gets its code and changes nothing; only staff save clients.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$select public.save_client(gen_random_uuid(), 'company', 'Doppelt', 't-a')$$, 'P0001', 'reference_number_taken',
  'the reference number is unique, whatever the case');
select throws_ok($$select public.save_client(gen_random_uuid(), 'verein', 'X', 'T-X')$$, 'P0001', 'invalid_kind', 'person or company');
select throws_ok($$select public.save_client(gen_random_uuid(), 'person', '  ', 'T-X')$$, 'P0001', 'name_required', 'a name');
select throws_ok($$select public.save_client(gen_random_uuid(), 'person', 'X', '')$$, 'P0001', 'reference_number_required', 'a number');
select throws_ok($$select public.save_client(gen_random_uuid(), 'person', 'X', 'T-X', 'kein-at')$$, 'P0001', 'invalid_email', 'an address');
select throws_ok($$select public.save_client(null, 'person', 'X', 'T-X')$$, 'P0001', 'client_id_required', 'the app names the id');
select tests.clear_authentication();
select is((select count(*)::int from public.clients where reference_number in ('T-X', 't-a') or name = 'Doppelt'), 0, 'nothing was created');
select is(tests.outcomes($$select public.save_client(gen_random_uuid(), 'person', 'X', 'T-X')$$,
                         array['client_a', 'guest', 'past_grace', 'anon']),
  array['client_a: P0001 forbidden', 'guest: P0001 forbidden', 'past_grace: P0001 mfa_required',
        'anon: 42501 permission denied for function save_client'], 'only staff save clients');

select * from finish();
rollback;
