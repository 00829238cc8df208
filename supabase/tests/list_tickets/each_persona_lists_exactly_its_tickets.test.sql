-- Test: list_tickets (security definer, scope spelled out) lists exactly the tickets the policies
-- would show each persona, with names only where the persona may see them.
begin;
select plan(10);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.list_tickets()'), array['ticket_a', 'ticket_a1', 'ticket_a2', 'ticket_b'], 'staff: all');
select is(tests.visible_as('lawyer', 'select id from public.list_tickets()'), array['ticket_a', 'ticket_a1', 'ticket_a2', 'ticket_b'], 'the lawyer: all');
select is(tests.visible_as('client_a', 'select id from public.list_tickets()'), array['ticket_a', 'ticket_a1', 'ticket_a2'], 'client A: its client''s');
select is(tests.visible_as('client_a2', 'select id from public.list_tickets()'), array['ticket_a', 'ticket_a1', 'ticket_a2'], 'A''s second user: the same');
select is(tests.visible_as('client_b', 'select id from public.list_tickets()'), array['ticket_b'], 'client B: its own');
select is(tests.visible_as('guest', 'select id from public.list_tickets()'), array['ticket_a1'], 'the guest: only its matter''s');
select is(tests.visible_as('guest', format('select id from public.list_tickets(filter_client => %L)', tests.fixture('client_a_org'))),
  array['ticket_a1'], 'a filter never widens the scope');

select tests.act_as('guest');
select results_eq($$select client_name, matter_title, requester_name from public.list_tickets()$$,
  $$values (null::text, 'A1 Bauvertrag'::text, 'Gustav Guest'::text)$$, 'the guest sees its matter and the requester, not the client''s name');
select tests.act_as('past_grace');
select throws_ok('select * from public.list_tickets()', 'P0001', 'mfa_required', 'past the grace period without a factor: refused');
select tests.act_as('totp_aal1');
select throws_ok('select * from public.list_tickets()', 'P0001', 'mfa_required', 'an aal1 session with a factor: refused');

select * from finish();
rollback;
