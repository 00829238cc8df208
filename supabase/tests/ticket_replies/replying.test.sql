-- Test: staff reply to any ticket, clients and guests to theirs as themselves; a client answer
-- reopens a pending ticket; closed tickets take no replies; replies notify the others.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('client_b');
select throws_ok($$insert into public.ticket_replies (ticket_id, body) values (tests.fixture('ticket_a'), 'Hallo')$$, '42501', null,
  'client B cannot reply to client A''s ticket');
select tests.act_as('guest');
select throws_ok($$insert into public.ticket_replies (ticket_id, body) values (tests.fixture('ticket_a'), 'Hallo')$$, '42501', null,
  'the guest cannot reply to a client-wide ticket');
select throws_ok($$insert into public.ticket_replies (ticket_id, author_id, body) values (tests.fixture('ticket_a1'), tests.fixture('client_a'), 'x')$$,
  '42501', null, 'nobody replies in someone else''s name');

select tests.act_as('staff');
select public.set_ticket_status(tests.fixture('ticket_a1'), 'pending');
insert into public.ticket_replies (ticket_id, body) values (tests.fixture('ticket_a1'), 'Bitte Gutachten schicken');
select is((select status from public.tickets where id = tests.fixture('ticket_a1')), 'pending', 'a staff reply keeps the ticket pending');
select tests.act_as('guest');
insert into public.ticket_replies (ticket_id, body) values (tests.fixture('ticket_a1'), 'Ist unterwegs');
select is((select status from public.tickets where id = tests.fixture('ticket_a1')), 'open', 'the guest''s answer reopens it');
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where kind = 'ticket.replied' and entity_id = tests.fixture('ticket_a1')
             and user_id = tests.fixture('staff')), 1, 'the staff member who replied before is told about the answer');
select is((select count(*)::int from public.notifications where kind = 'ticket.replied' and entity_id = tests.fixture('ticket_a1')
             and user_id = tests.fixture('client_b')), 0, 'nobody outside the ticket is told');

select tests.act_as('client_a');
select public.set_ticket_status(tests.fixture('ticket_a'), 'closed');
select throws_ok($$insert into public.ticket_replies (ticket_id, body) values (tests.fixture('ticket_a'), 'Noch was')$$, 'P0001', 'ticket_closed',
  'a closed ticket takes no replies');

select * from finish();
rollback;
