-- Test: a ticket is unread while it has activity (reply, status, assignment) the person has not
-- seen; one's own actions never mark it unread; staff also count colleagues' internal notes,
-- which clients never notice; priority changes are no news.
begin;
select plan(7);

select tests.create_portal_world();
select is(tests.visible_as('client_b', 'select id from public.list_tickets() where unread'), '{}'::text[], 'the opener has seen its own ticket');
select is(tests.visible_as('staff', 'select id from public.list_tickets() where unread and id = tests.fixture(''ticket_b'')'), array['ticket_b'],
  'staff have not seen a new ticket');
select tests.act_as('staff');
select public.mark_ticket_seen(tests.fixture('ticket_b'));
select tests.let_time_pass();
select tests.act_as('staff');
update public.tickets set priority = 'high' where id = tests.fixture('ticket_b');
select is(tests.visible_as('client_b', 'select id from public.list_tickets() where unread'), '{}'::text[], 'a priority change is no news');
select tests.act_as('staff');
select public.set_ticket_status(tests.fixture('ticket_b'), 'pending');
select is(tests.visible_as('staff', 'select id from public.list_tickets() where unread and id = tests.fixture(''ticket_b'')'), '{}'::text[],
  'the staff member''s own status change leaves it read for them');
select is(tests.visible_as('client_b', 'select id from public.list_tickets() where unread'), array['ticket_b'], 'but is news for the client');
select tests.act_as('lawyer');
select public.mark_ticket_seen(tests.fixture('ticket_b'));
select tests.let_time_pass();
select tests.act_as('staff');
select public.add_internal_note(tests.fixture('ticket_b'), 'Rückruf vereinbart');
select is(tests.visible_as('lawyer', 'select id from public.list_tickets() where unread and id = tests.fixture(''ticket_b'')'), array['ticket_b'],
  'a colleague''s note is news for other staff');
select tests.act_as('client_b');
select public.mark_ticket_seen(tests.fixture('ticket_b'));
select tests.let_time_pass();
select tests.act_as('staff');
select public.add_internal_note(tests.fixture('ticket_b'), 'Noch eine Notiz');
select is(tests.visible_as('client_b', 'select id from public.list_tickets() where unread'), '{}'::text[], 'clients never notice notes');

select * from finish();
rollback;
