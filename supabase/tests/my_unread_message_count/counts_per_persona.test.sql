-- Test: the navigation badge counts each person's unread messages of the conversations it takes
-- part in and still has access to; reading them clears it.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('client_a');
select is(public.my_unread_message_count(), 1, 'client A: the guest''s message');
select tests.act_as('lawyer');
select is(public.my_unread_message_count(), 1, 'the lawyer: client A''s message');
select tests.act_as('staff');
select is(public.my_unread_message_count(), 2, 'staff: the guest''s and client B''s');
select tests.act_as('guest');
select is(public.my_unread_message_count(), 0, 'the guest: its own message only');
select tests.act_as('client_b');
select is(public.my_unread_message_count(), 0, 'client B: nothing of client A');
select tests.act_as('staff');
select public.mark_conversation_read(tests.fixture('conv_b'));
select is(public.my_unread_message_count(), 1, 'reading a conversation clears its count');
select tests.clear_authentication();
delete from public.matter_members where matter_id = tests.fixture('matter_a1') and user_id = tests.fixture('staff');
delete from public.staff where user_id = tests.fixture('staff');
select tests.act_as('staff');
select is(public.my_unread_message_count(), 0, 'someone who lost access counts nothing there');

select * from finish();
rollback;
