-- Test: the navigation badge counts tickets with unseen news: for clients and guests all of
-- theirs, for staff those assigned to them and the open ones nobody has taken.
begin;
select plan(7);

select tests.create_portal_world();
-- Only the world's tickets count here: the demo data's are closed for this test.
update public.tickets set status = 'closed' where id not in (select id from tests.fixtures);
select tests.let_time_pass();
select tests.act_as('staff');
select public.reply_to_ticket(tests.fixture('ticket_a'), 'Wir prüfen das.');
select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Gutachten erhalten.');

select tests.act_as('client_a');
select is(public.my_unread_ticket_count(), 3, 'client A: both tickets staff answered, and the one its colleague opened');
select tests.act_as('guest');
select is(public.my_unread_ticket_count(), 1, 'the guest: only its matter''s');
select public.mark_ticket_seen(tests.fixture('ticket_a1'));
select is(public.my_unread_ticket_count(), 0, 'and none once it looked');
select tests.act_as('client_b');
select is(public.my_unread_ticket_count(), 0, 'client B: nothing new');

select tests.act_as('lawyer');
select is(public.my_unread_ticket_count(), 4, 'the lawyer: the four open tickets nobody is assigned to');
update public.tickets set assignee_id = tests.fixture('staff') where id in (tests.fixture('ticket_b'), tests.fixture('ticket_a2'));
select is(public.my_unread_ticket_count(), 2, 'tickets taken by a colleague leave its badge');
select tests.act_as('staff');
select public.mark_ticket_seen(tests.fixture('ticket_b'));
select is(public.my_unread_ticket_count(), 1, 'the assignee: the other ticket it was given (the two it answered are seen)');

select * from finish();
rollback;
