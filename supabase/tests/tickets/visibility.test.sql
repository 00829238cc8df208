-- Test: staff see all tickets, client users their client's, the guest only the tickets of its
-- matter (including the one it opened).
begin;
select plan(7);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.tickets'), array['ticket_a', 'ticket_a1', 'ticket_a2', 'ticket_b'], 'staff see all tickets');
select is(tests.visible_as('client_a', 'select id from public.tickets'), array['ticket_a', 'ticket_a1', 'ticket_a2'],
  'client A sees all its client''s tickets, also the guest''s');
select is(tests.visible_as('client_b', 'select id from public.tickets'), array['ticket_b'], 'client B sees only its own');
select is(tests.visible_as('guest', 'select id from public.tickets'), array['ticket_a1'], 'the guest sees only the A1 ticket, not A''s others');
select is(tests.visible_as('guest', 'select id from public.ticket_replies'), array['reply_a1'], 'and only its replies');
select is(tests.visible_as('client_b', 'select ticket_id as id from public.ticket_status_history'), array['ticket_b'],
  'the status history follows the ticket');
select is(tests.visible_as('totp_aal1', 'select id from public.tickets'), '{}'::text[], 'the aal1-with-factor session sees none');

select * from finish();
rollback;
