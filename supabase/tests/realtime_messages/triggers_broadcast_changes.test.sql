-- Test: the database broadcasts new and edited messages, ticket replies and status changes, and
-- notifications to their private topics; a message's text is never sent.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('guest');
insert into public.messages (conversation_id, body) values (tests.fixture('conv_a1'), 'Live!');
update public.messages set deleted_at = now() where body = 'Live!';
insert into public.ticket_replies (ticket_id, body) values (tests.fixture('ticket_a1'), 'Nachfrage');
select tests.act_as('staff');
select public.set_ticket_status(tests.fixture('ticket_a1'), 'resolved');
select tests.clear_authentication();

select is((select payload ->> 'author_id' from realtime.messages
            where topic = 'conversation:' || tests.fixture('conv_a1') and event = 'message_created'
              and payload ->> 'id' = (select id::text from public.messages where conversation_id = tests.fixture('conv_a1') and body = '' and deleted_at is not null)),
  tests.fixture('guest')::text, 'a new message goes to its conversation topic');
select ok((select bool_and(private and extension = 'broadcast' and payload::text not like '%Live!%') from realtime.messages
            where event = 'message_created' and topic = 'conversation:' || tests.fixture('conv_a1')),
  'as a private broadcast without its text (20261204102000)');
select is((select count(*)::int from realtime.messages where topic = 'conversation:' || tests.fixture('conv_a1')
             and event = 'message_updated' and payload::text like '%Live!%'), 0, 'the deletion is broadcast without the old text');
select ok(exists (select 1 from realtime.messages where topic = 'ticket:' || tests.fixture('ticket_a1') and event = 'reply_created'
                     and payload -> 'record' ->> 'body' = 'Nachfrage'), 'a ticket reply goes to the ticket topic');
select is((select payload -> 'record' ->> 'status' from realtime.messages where topic = 'ticket:' || tests.fixture('ticket_a1')
             and event = 'status_changed'), 'resolved', 'a status change goes to the ticket topic');
select ok(exists (select 1 from realtime.messages where topic = 'user:' || tests.fixture('client_a') and event = 'notification_created'
                     and payload -> 'record' ->> 'kind' = 'message.created'), 'a notification goes to its user''s topic');

select * from finish();
rollback;
