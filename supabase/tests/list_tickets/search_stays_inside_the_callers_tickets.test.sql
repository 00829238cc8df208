-- Test: German full-text search finds subjects and replies (stemmed: "Rechnungen" finds
-- "Rechnung") and ticket numbers, only among the caller's tickets; internal notes only for staff.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('client_b');
select public.reply_to_ticket(tests.fixture('ticket_b'), 'Die Rechnung des Nachlassgerichts liegt bei.');
select tests.act_as('staff');
select public.add_internal_note(tests.fixture('ticket_a'), 'Zwangsvollstreckung vorbereiten');

select is(tests.visible_as('client_b', $$select id from public.list_tickets(search => 'Rechnungen')$$), array['ticket_b'], 'a reply''s word, stemmed');
select is(tests.visible_as('client_a', $$select id from public.list_tickets(search => 'Rechnungen')$$), '{}'::text[],
  'another client''s ticket is never a hit');
select is(tests.visible_as('staff', $$select id from public.list_tickets(search => 'Rechnung')$$), array['ticket_b'], 'staff find it');
select is(tests.visible_as('staff', $$select id from public.list_tickets(search => 'Zwangsvollstreckung')$$), array['ticket_a'], 'staff search internal notes');
select is(tests.visible_as('client_a', $$select id from public.list_tickets(search => 'Zwangsvollstreckung')$$), '{}'::text[],
  'the client whose ticket it is does not find the note''s words');
select is(tests.visible_as('client_a', format('select id from public.list_tickets(search => %L)',
  '#' || (select number from public.tickets where id = tests.fixture('ticket_a2')))), array['ticket_a2'], 'a ticket number finds that ticket');
select is(tests.visible_as('guest', format('select id from public.list_tickets(search => %L)',
  (select number from public.tickets where id = tests.fixture('ticket_a2'))::text)), '{}'::text[], 'but not for a guest outside its matter');
select is(tests.visible_as('client_a', $$select id from public.list_tickets(search => 'Ticket -A1')$$), array['ticket_a', 'ticket_a2'],
  'web search syntax: a word and an exclusion');

select * from finish();
rollback;
