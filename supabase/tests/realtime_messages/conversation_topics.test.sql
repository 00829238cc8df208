-- Test: only participants (with access) join a conversation channel, see presence and send typing
-- indicators; nobody else, not even staff who have not joined.
begin;
select plan(10);

select tests.create_portal_world();
select tests.act_as('guest');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1')), true, 'a participant joins the conversation channel');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1'), 'presence'), true, 'and sees presence');
select is(tests.can_send('conversation:' || tests.fixture('conv_a1')), true, 'and may send typing indicators');
select is(tests.can_send('conversation:' || tests.fixture('conv_a1'), 'presence'), true, 'and track its presence');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a')), false, 'it cannot join a thread it is not in');
select tests.act_as('client_b');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1')), false, 'client B cannot join client A''s channel');
select is(tests.can_send('conversation:' || tests.fixture('conv_a1')), false, 'nor send there');
select tests.act_as('lawyer');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1')), false, 'staff join a channel only after joining the conversation');
select tests.act_as('totp_aal1');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1')), false, 'an unverified session joins nothing');
select tests.act_as('client_a');
select is(tests.can_receive('conversation:not-a-uuid'), false, 'malformed topics are refused');

select * from finish();
rollback;
