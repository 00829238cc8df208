-- Test: erasure needs the person's name as confirmation, never erases staff or oneself, and is
-- for admins only; refusals change nothing.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('lawyer');
select throws_ok(format('select public.erase_person(%L, %L)', tests.get_user_id('guest'), 'Jemand'), 'P0001', 'confirmation_mismatch',
  'the name must be repeated');
select throws_ok(format('select public.erase_person(%L, %L)', tests.get_user_id('staff'), (select display_name from public.profiles where id = tests.get_user_id('staff'))),
  'P0001', 'staff_not_erasable', 'staff are deactivated, not erased');
select tests.clear_authentication();
select is(tests.outcomes(format('select public.erase_person(%L, %L)', tests.get_user_id('guest'), (select display_name from public.profiles where id = tests.get_user_id('guest'))),
                         array['staff', 'client_a', 'guest', 'anon']),
  array['staff: P0001 forbidden', 'client_a: P0001 forbidden', 'guest: P0001 forbidden',
        'anon: 42501 permission denied for function erase_person'], 'admins only');
select ok(exists (select 1 from auth.users where id = tests.get_user_id('guest')), 'the guest is still there');

select * from finish();
rollback;
