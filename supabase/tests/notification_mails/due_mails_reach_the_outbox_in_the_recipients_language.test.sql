-- Test: once due, notification mails move into the mail outbox in the recipient's language and
-- only while the recipient may still see the ticket; mails not yet due wait, seen ones never go.
begin;
select plan(6);

select tests.create_portal_world();
delete from ops.notification_mails;  -- only this test's mails
update public.tickets set requester_id = tests.fixture('client_a2') where id = tests.fixture('ticket_a2');
select tests.act_as('staff');
select public.reply_to_ticket(tests.fixture('ticket_a'), 'Antwort an Anton.');
select public.reply_to_ticket(tests.fixture('ticket_a2'), 'Antwort an Anja.');
select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Antwort an den Gast.');
select tests.clear_authentication();

select is(private.send_due_notification_mails(), 0, 'nothing is due before the delay');
delete from public.matter_members where user_id = tests.fixture('guest');
select is(private.send_due_notification_mails(now() + private.notification_mail_delay()), 2,
  'when due: the two mails of people who still see their tickets');
select results_eq($$select recipient, locale, template from ops.mail_outbox where template = 'ticket_activity' order by recipient$$,
  $$values ('client.a2@test.example'::text, 'en'::text, 'ticket_activity'::text), ('client.a@test.example', 'de', 'ticket_activity')$$,
  'in each recipient''s language');
select is((select count(*)::int from ops.mail_outbox where recipient = 'guest@test.example' and template = 'ticket_activity'), 0,
  'the guest removed from the matter gets no mail about it');
select results_eq($$select data ->> 'number', data ->> 'display_name' from ops.mail_outbox where recipient = 'client.a@test.example' and template = 'ticket_activity'$$,
  $$select number::text, 'Anton Alpha'::text from public.tickets where id = tests.fixture('ticket_a')$$,
  'the mail knows the ticket''s number and whom to greet');
select is((select count(*)::int from ops.notification_mails), 0, 'and nothing is sent twice');

select * from finish();
rollback;
