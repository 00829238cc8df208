-- Test: a participant who loses access (a guest removed from the matter, someone who left the
-- conversation) is refused the conversation channel at its next join, and what it may still hear
-- on an open channel carries no text (20261204102000); a past-grace participant joins nothing.
begin;
select plan(7);

select tests.create_portal_world();
select tests.clear_authentication();
delete from public.matter_members where matter_id = tests.fixture('matter_a1') and user_id = tests.fixture('guest');
select tests.act_as('guest');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1')), false, 'a guest removed from the matter cannot join its thread''s channel');
select is(tests.can_send('conversation:' || tests.fixture('conv_a1'), 'presence'), false, 'nor show its presence there');
select tests.act_as('client_a');
delete from public.conversation_participants where conversation_id = tests.fixture('conv_a') and user_id = auth.uid();
select is(tests.can_receive('conversation:' || tests.fixture('conv_a')), false, 'someone who left a thread cannot join its channel');
select tests.clear_authentication();
insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('past_grace'));
select tests.act_as('past_grace');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a')), false, 'a participant past its grace period cannot join');
select is(tests.can_receive('user:' || tests.fixture('past_grace')), false, 'nor its own user topic');
select tests.act_as('lawyer');
select public.send_message(tests.fixture('conv_a'), '00000000-0000-4000-8000-00000000d001', 'Vertraulicher Inhalt');
update public.messages set body = 'Geänderter Inhalt' where id = '00000000-0000-4000-8000-00000000d001';
select tests.clear_authentication();
select is((select array_agg(event order by event) from realtime.messages
            where topic = 'conversation:' || tests.fixture('conv_a') and payload ->> 'id' = '00000000-0000-4000-8000-00000000d001'),
  array['message_created', 'message_updated'], 'new and changed messages are announced on the topic');
select is((select count(*)::int from realtime.messages where topic = 'conversation:' || tests.fixture('conv_a')
             and (payload::text like '%Inhalt%' or payload ? 'body' or payload ? 'record')), 0,
  'by id and time only, never with their text');

select * from finish();
rollback;
