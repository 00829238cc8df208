-- Test: staff move tickets freely; clients and guests may close and reopen; every change lands in
-- the history and notifies the creator; refusals have codes.
begin;
select plan(10);

select tests.create_portal_world();
select tests.act_as('staff');
select is((public.set_ticket_status(tests.fixture('ticket_a1'), 'pending')).status, 'pending', 'staff set a ticket to pending');
select throws_ok($$select public.set_ticket_status(tests.fixture('ticket_a1'), 'pending')$$, 'P0001', 'ticket_status_unchanged',
  'setting the same status again is reported');
select throws_ok($$select public.set_ticket_status(tests.fixture('ticket_a1'), 'done')$$, 'P0001', 'invalid_status', 'unknown statuses are refused');

select tests.act_as('guest');
select throws_ok($$select public.set_ticket_status(tests.fixture('ticket_a1'), 'resolved')$$, 'P0001', 'ticket_status_forbidden',
  'a guest cannot mark a ticket resolved');
select is((public.set_ticket_status(tests.fixture('ticket_a1'), 'closed')).status, 'closed', 'the guest closes its ticket');
select isnt((select closed_at from public.tickets where id = tests.fixture('ticket_a1')), null, 'closing stamps closed_at');
select is((public.set_ticket_status(tests.fixture('ticket_a1'), 'open')).status, 'open', 'and may reopen it');
select throws_ok($$select public.set_ticket_status(tests.fixture('ticket_a2'), 'closed')$$, 'P0001', 'ticket_not_found',
  'a guest cannot touch tickets of other matters');
select is((select array_agg(to_status order by id) from public.ticket_status_history where ticket_id = tests.fixture('ticket_a1')),
  array['open', 'pending', 'closed', 'open'], 'the history holds every step');
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where user_id = tests.fixture('guest') and kind = 'ticket.status_changed'), 1,
  'the creator is told about the change it did not make itself');

select * from finish();
rollback;
