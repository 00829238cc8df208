-- Test: staff and the client's owner remove users of that client; a member, another client's owner
-- and a guest are told the client does not exist for them.
begin;
select plan(3);

select tests.create_portal_world();
select is(tests.outcomes(format('select public.remove_client_user(%L, %L)', tests.fixture('client_a_org'), tests.get_user_id('past_grace')),
                         array['client_a2', 'client_b', 'guest', 'totp_aal1', 'anon']),
  array['client_a2: P0001 client_not_found', 'client_b: P0001 client_not_found', 'guest: P0001 client_not_found',
        'totp_aal1: P0001 mfa_required', 'anon: 42501 permission denied for function remove_client_user'],
  'members, other clients, guests and unverified sessions are refused');
select is(tests.outcome_as('client_a', format('select public.remove_client_user(%L, %L)', tests.fixture('client_a_org'), tests.get_user_id('past_grace'))),
  'ok', 'the owner removes a member');
select is(tests.outcome_as('staff', format('select public.remove_client_user(%L, %L)', tests.fixture('client_a_org'), tests.get_user_id('past_grace'))),
  'P0001 member_not_found', 'a user who is not a member is reported');

select * from finish();
rollback;
