-- Test: every other participant with access gets one deferred mail per conversation for new
-- messages, however many arrive before it is due (counted), never with their text; reading the
-- conversation cancels it; chat events and the author's own messages mail nobody; a participant
-- who lost access before the mail is due gets none.
begin;
select plan(9);

select tests.create_portal_world();
delete from ops.notification_mails;  -- only this test's mails
create temporary view waiting as
  select u.name as recipient, n.entity_id, n.template, n.data
    from ops.notification_mails as n join tests.fixtures as u on u.id = n.user_id
   where n.entity_type = 'conversation';

select tests.act_as('client_a');
select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Anbei die Kündigung.');
select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Und die Vollmacht.');
select tests.clear_authentication();
select results_eq($$select recipient, template, data from waiting where entity_id = tests.fixture('conv_a')$$,
  $$values ('lawyer'::text, 'message_activity'::text,
            jsonb_build_object('conversation_id', tests.fixture('conv_a'), 'chat', false, 'count', 2, 'kinds', '["message"]'::jsonb))$$,
  'the lawyer gets one mail for both messages, counting them; the author none');
select is((select count(*)::int from waiting where data::text ~ '(Kündigung|Vollmacht|Thread)'), 0,
  'no mail carries the text or the subject');

select tests.act_as('lawyer');
select public.mark_conversation_read(tests.fixture('conv_a'));
select tests.clear_authentication();
select is((select count(*)::int from waiting where entity_id = tests.fixture('conv_a')), 0, 'reading the thread cancels the mail');

select tests.act_as('client_a');
select public.mark_conversation_read(tests.fixture('conv_a1'));
select tests.act_as('staff');
select public.send_message(tests.fixture('conv_a1'), gen_random_uuid(), 'Das Gutachten ist da.');
select tests.clear_authentication();
select results_eq($$select recipient from waiting where entity_id = tests.fixture('conv_a1') order by recipient$$,
  $$values ('client_a'::text), ('guest')$$, 'the matter thread mails the client and the guest');
select tests.act_as('client_a');
select public.mark_conversation_read(tests.fixture('conv_a1'), now() - interval '1 minute');
select tests.clear_authentication();
select is((select count(*)::int from waiting where entity_id = tests.fixture('conv_a1') and recipient = 'client_a'), 1,
  'a mark that does not move (not newer than the last) leaves the mail waiting');

delete from public.matter_members where user_id = tests.fixture('guest');
select is(private.send_due_notification_mails(now() + private.notification_mail_delay()), 1,
  'when due, only the participant who still has access is mailed');
select results_eq($$select recipient, locale, template from ops.mail_outbox
     where template = 'message_activity' and user_id in (select id from tests.fixtures)$$,
  $$values ('client.a@test.example'::text, 'de'::text, 'message_activity'::text)$$, 'in the recipient''s language');

select tests.act_as('staff');
select public.close_chat(tests.fixture('conv_b'));
select tests.clear_authentication();
select is((select count(*)::int from waiting where entity_id = tests.fixture('conv_b')), 0, 'ending a chat (an event) mails nobody');

select tests.act_as('client_a');
select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Noch etwas.');
select tests.clear_authentication();
select is((select count(*)::int from waiting where recipient in ('client_b', 'client_a2', 'staff')), 0,
  'nobody outside the thread hears of it');

select * from finish();
rollback;
