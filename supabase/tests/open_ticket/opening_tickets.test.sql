-- Test: open_ticket creates the numbered ticket with its first reply and history, and notifies
-- staff; guests must name a matter they are in.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('client_b');
select tests.remember('opened', (public.open_ticket('Frage zum Erbschein', 'Wie lange dauert das?')).id);
select is((select client_id from public.tickets where id = tests.fixture('opened')), tests.fixture('client_b_org'),
  'a user of a single client need not name it');
select ok((select number > 1000 from public.tickets where id = tests.fixture('opened')), 'the ticket gets a number');
select is((select count(*)::int from public.ticket_replies where ticket_id = tests.fixture('opened')), 1, 'the text is the first reply');
select is((select to_status from public.ticket_status_history where ticket_id = tests.fixture('opened')), 'open', 'the history starts with open');
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where entity_id = tests.fixture('opened') and kind = 'ticket.opened'
             and user_id in (tests.fixture('lawyer'), tests.fixture('staff'))), 2, 'every staff member is notified');

select tests.act_as('guest');
select throws_ok($$select public.open_ticket('x', 'y')$$, 'P0001', 'scope_required', 'a guest must name a matter');
select throws_ok($$select public.open_ticket('x', 'y', null, tests.fixture('matter_a2'))$$, 'P0001', 'matter_not_found',
  'a guest cannot open tickets in matters it is not in');
select throws_ok($$select public.open_ticket('x', 'y', tests.fixture('client_a_org'))$$, 'P0001', 'client_not_found',
  'nor for the client as a whole');
select throws_ok($$select public.open_ticket('x', 'y', null, tests.fixture('matter_a1'), 'whenever')$$, 'P0001', 'invalid_priority',
  'priorities are checked');

select * from finish();
rollback;
