-- Test: typing broadcasts and presence on a conversation (the live chat's "schreibt …" and who is
-- online) are for its current participants with access only: the client in its chat and the staff
-- member who took it may send both; staff who have not taken the chat, another client, a participant
-- who was removed and one past its grace period may neither send nor track.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('client_b');
select is(tests.can_send('conversation:' || tests.fixture('conv_b')), true, 'the client may send typing in its chat');
select is(tests.can_send('conversation:' || tests.fixture('conv_b'), 'presence'), true, 'and track its presence there');
select tests.act_as('lawyer');
select is(tests.can_send('conversation:' || tests.fixture('conv_b')), false, 'staff who have not taken the chat send no typing there');
select is(tests.can_send('conversation:' || tests.fixture('conv_b'), 'presence'), false, 'nor track presence');
select public.take_chat(tests.fixture('conv_b'));
select is(tests.can_send('conversation:' || tests.fixture('conv_b')), true, 'once taken, they may send typing');
select is(tests.can_receive('conversation:' || tests.fixture('conv_b'), 'presence'), true, 'and see who is present');
select tests.act_as('client_a');
select is(tests.can_send('conversation:' || tests.fixture('conv_b')), false, 'another client cannot send typing into the chat');
select is(tests.can_send('conversation:' || tests.fixture('conv_b'), 'presence'), false, 'nor appear present in it');

select tests.clear_authentication();
delete from public.conversation_participants where conversation_id = tests.fixture('conv_b') and user_id = tests.fixture('staff');
-- A member of client A, so only its lapsed grace period keeps it out of A's thread.
insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('past_grace'));
select tests.act_as('staff');
select is(tests.can_send('conversation:' || tests.fixture('conv_b')), false, 'a removed participant sends no more typing');
select is(tests.can_send('conversation:' || tests.fixture('conv_b'), 'presence'), false, 'and no longer appears present');
select tests.act_as('past_grace');
select is(tests.can_send('conversation:' || tests.fixture('conv_a')), false, 'a participant past its grace period sends no typing');
select is(tests.can_send('conversation:' || tests.fixture('conv_a'), 'presence'), false, 'nor tracks presence');

select * from finish();
rollback;
