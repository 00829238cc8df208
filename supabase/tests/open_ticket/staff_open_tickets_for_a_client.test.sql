-- Test: staff open a ticket on a client's behalf for one of its users (or a guest of the matter),
-- with a priority; clients and guests open only for themselves and without a priority.
begin;
select plan(11);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('for_a2', (public.open_ticket('Unterlagen für die Klage', 'Bitte schicken Sie uns den Mietvertrag.',
  tests.fixture('client_a_org'), priority => 'high', requester_id => tests.fixture('client_a2'))).id);
select results_eq($$select created_by, requester_id, priority, client_id from public.tickets where id = tests.fixture('for_a2')$$,
  $$values (tests.fixture('staff'), tests.fixture('client_a2'), 'high'::text, tests.fixture('client_a_org'))$$,
  'staff open it, the client user is the requester, with the priority staff chose');
select is((select author_id from public.ticket_replies where ticket_id = tests.fixture('for_a2')), tests.fixture('staff'),
  'the first reply is the staff member''s text');
select ok((select requester_id is null from public.open_ticket('Interne Wiedervorlage', 'Frist prüfen', tests.fixture('client_b_org'))),
  'without a requester the ticket is for the client as a whole');
select ok((select matter_id = tests.fixture('matter_a1') from public.open_ticket('Ortstermin', 'Bitte Termin bestätigen', null,
  tests.fixture('matter_a1'), requester_id => tests.fixture('guest'))), 'a guest of the matter can be the requester');
select throws_ok($$select public.open_ticket('x', 'y', tests.fixture('client_a_org'), requester_id => tests.fixture('client_b'))$$,
  'P0001', 'requester_not_allowed', 'a user of another client cannot be the requester');
select throws_ok($$select public.open_ticket('x', 'y', tests.fixture('client_a_org'), requester_id => tests.fixture('guest'))$$,
  'P0001', 'requester_not_allowed', 'nor a guest for a ticket outside its matter');
select throws_ok($$select public.open_ticket('x', 'y', tests.fixture('client_a_org'), requester_id => tests.fixture('lawyer'))$$,
  'P0001', 'requester_not_allowed', 'nor a member of staff');
select throws_ok($$select public.open_ticket('x', 'y')$$, 'P0001', 'scope_required', 'staff must name the client or matter');

select tests.act_as('client_a');
select throws_ok($$select public.open_ticket('x', 'y', tests.fixture('client_a_org'), requester_id => tests.fixture('client_a2'))$$,
  'P0001', 'forbidden', 'a client user cannot open a ticket for a colleague');
select throws_ok($$select public.open_ticket('x', 'y', tests.fixture('client_a_org'), priority => 'urgent')$$,
  'P0001', 'forbidden', 'nor set a priority');
select is((public.open_ticket('Eigenes Anliegen', 'Text', tests.fixture('client_a_org'))).requester_id, tests.fixture('client_a'),
  'a client user is the requester of its own tickets');

select * from finish();
rollback;
