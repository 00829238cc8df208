-- Test: staff see a client's users with role, second-factor state and last sign-in; nobody else
-- may ask (a client owner reads its users through REST, without the factor details).
begin;
select plan(3);

select tests.create_portal_world();
update auth.users set last_sign_in_at = '2026-12-01 09:00+01' where id = tests.get_user_id('client_a');
select tests.act_as('staff');
select is(array(select display_name || '/' || role || '/' || factor_state from public.client_users(tests.fixture('client_a_org'))
                 order by display_name),
  array(select p.display_name || '/' || cm.role || '/' ||
               case when p.id = tests.get_user_id('totp_aal1') then 'enrolled'
                    when p.id = tests.get_user_id('past_grace') then 'overdue' else 'grace' end
          from public.client_members cm join public.profiles p on p.id = cm.user_id
         where cm.client_id = tests.fixture('client_a_org') order by p.display_name),
  'each user with role and factor state (enrolled, grace, overdue)');
select is((select last_sign_in_at from public.client_users(tests.fixture('client_a_org')) where user_id = tests.get_user_id('client_a')),
  '2026-12-01 09:00+01'::timestamptz, 'and the last sign-in');
select is(tests.outcomes(format('select * from public.client_users(%L)', tests.fixture('client_a_org')),
                         array['client_a', 'client_b', 'guest', 'anon']),
  array['client_a: P0001 forbidden', 'client_b: P0001 forbidden', 'guest: P0001 forbidden',
        'anon: 42501 permission denied for function client_users'], 'staff only');

select * from finish();
rollback;
