-- Test: the requester and the assignee get one deferred mail per ticket for what others do: a
-- reply, a status change, an assignment, a note (assignee only); never for their own actions.
begin;
select plan(8);

select tests.create_portal_world();
create temporary view waiting as
  select u.name as recipient, n.entity_id, n.template, n.data, n.due_at
    from ops.notification_mails as n join tests.fixtures as u on u.id = n.user_id
   where n.entity_type = 'ticket';  -- the world's pages and conversations defer mails too

select tests.act_as('staff');
update public.tickets set assignee_id = tests.fixture('staff') where id = tests.fixture('ticket_a');
select tests.clear_authentication();
select is((select count(*)::int from waiting), 0, 'assigning oneself mails nobody');

select tests.act_as('lawyer');
update public.tickets set assignee_id = tests.fixture('staff') where id = tests.fixture('ticket_b');
select tests.clear_authentication();
select results_eq($$select recipient, data -> 'kinds', (data ->> 'for_staff')::boolean from waiting where entity_id = tests.fixture('ticket_b')$$,
  $$values ('staff'::text, '["assigned"]'::jsonb, true)$$, 'the new assignee hears that a colleague assigned it a ticket');

select tests.act_as('staff');
select public.reply_to_ticket(tests.fixture('ticket_a'), 'Bitte senden Sie die Vollmacht.');
select public.set_ticket_status(tests.fixture('ticket_a'), 'pending');
select tests.clear_authentication();
select results_eq($$select recipient, template, data -> 'kinds', data ->> 'status' from waiting where entity_id = tests.fixture('ticket_a')$$,
  $$values ('client_a'::text, 'ticket_activity'::text, '["reply", "status"]'::jsonb, 'pending'::text)$$,
  'the requester gets one mail for the staff reply and the status change, with the latest status');
select ok((select due_at > now() and due_at <= now() + private.notification_mail_delay() from waiting where entity_id = tests.fixture('ticket_a')),
  'due after the delay');
select is((select count(*)::int from waiting where recipient = 'client_a2'), 0, 'the requester''s colleague gets none');

select tests.act_as('client_a');
select public.reply_to_ticket(tests.fixture('ticket_a'), 'Vollmacht anbei.');
select tests.act_as('lawyer');
select public.add_internal_note(tests.fixture('ticket_a'), 'Vollmacht prüfen');
select tests.clear_authentication();
select results_eq($$select recipient, data -> 'kinds' from waiting where entity_id = tests.fixture('ticket_a') order by recipient$$,
  $$values ('client_a'::text, '["reply", "status"]'::jsonb), ('staff', '["note", "reply", "status"]'::jsonb)$$,
  'the assignee hears of the client''s reply (which reopened the ticket) and the colleague''s note');
select is((select count(*)::int from waiting where data::text ~ '(Vollmacht|prüfen|senden)'), 0, 'no mail carries any text of the ticket');

select tests.act_as('staff');
select public.open_ticket('Fehlende Unterschrift', 'Bitte unterschreiben Sie Seite 3.', tests.fixture('client_b_org'), requester_id => tests.fixture('client_b'));
select tests.clear_authentication();
select is((select data -> 'kinds' from waiting where recipient = 'client_b' and entity_id <> tests.fixture('ticket_b')), '["opened"]'::jsonb,
  'a ticket staff open for a client user is announced to that user');

select * from finish();
rollback;
