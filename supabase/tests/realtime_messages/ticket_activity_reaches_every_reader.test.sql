-- Test: what happens on a ticket is announced, without content, on the user topic of everyone who
-- may read it (staff, the client's users, guests of its matter) and of nobody else.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('staff');
select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Ortstermin am Mittwoch');
update public.tickets set assignee_id = tests.fixture('staff') where id = tests.fixture('ticket_a1');
select tests.clear_authentication();

create temporary view announced as
  select f.name as recipient, m.payload ->> 'kind' as kind, m.payload
    from realtime.messages as m join tests.fixtures as f on 'user:' || f.id = m.topic
   where m.event = 'ticket_activity' and m.payload ->> 'ticket_id' = tests.fixture('ticket_a1')::text;
select is((select array_agg(distinct recipient order by recipient) from announced where kind = 'reply'),
  array['client_a', 'client_a2', 'guest', 'lawyer', 'past_grace', 'staff', 'totp_aal1'],
  'the reply is announced to staff, every user of client A and the matter''s guest');
select is((select count(*)::int from announced where recipient = 'client_b'), 0, 'never to another client');
select is((select count(*)::int from announced where payload::text like '%Ortstermin%'), 0, 'without the reply''s text');
select is((select count(*)::int from realtime.messages where topic = 'ticket:' || tests.fixture('ticket_a1') and event = 'ticket_updated'
             and payload -> 'record' ->> 'assignee_id' = tests.fixture('staff')::text), 1, 'the assignment is broadcast on the ticket''s topic');

select * from finish();
rollback;
