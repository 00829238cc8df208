-- Test: looking at a ticket clears its unread state for that person only, cancels the mail that
-- was waiting for them, and tells their other tabs; outsiders cannot mark what they cannot see.
begin;
select plan(8);

select tests.create_portal_world();
select tests.let_time_pass();
select tests.act_as('staff');
select public.reply_to_ticket(tests.fixture('ticket_a'), 'Bitte rufen Sie uns an.');
select tests.act_as('client_a');
select is((select unread from public.list_tickets() where id = tests.fixture('ticket_a')), true, 'the staff reply is news for the requester');
select tests.clear_authentication();
select is((select count(*)::int from ops.notification_mails where user_id = tests.fixture('client_a') and entity_id = tests.fixture('ticket_a')), 1,
  'and a mail is waiting for it');

select tests.act_as('client_a');
select ok(public.mark_ticket_seen(tests.fixture('ticket_a')) is not null, 'the requester opens the ticket');
select is((select unread from public.list_tickets() where id = tests.fixture('ticket_a')), false, 'no longer unread for it');
select tests.act_as('client_a2');
select is((select unread from public.list_tickets() where id = tests.fixture('ticket_a')), true, 'still unread for the colleague who has not looked');
select tests.clear_authentication();
select is((select count(*)::int from ops.notification_mails where user_id = tests.fixture('client_a') and entity_id = tests.fixture('ticket_a')), 0,
  'the waiting mail is cancelled: nobody gets a mail for what they are looking at');
select is((select count(*)::int from realtime.messages where topic = 'user:' || tests.fixture('client_a') and event = 'ticket_activity'
             and payload ->> 'kind' = 'seen'), 1, 'the requester''s other tabs are told');

select tests.act_as('client_b');
select throws_ok($$select public.mark_ticket_seen(tests.fixture('ticket_a'))$$, 'P0001', 'ticket_not_found', 'another client cannot mark it');

select * from finish();
rollback;
