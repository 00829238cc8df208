-- Test: ticket channels are for the ticket's readers and user channels for their owner, both
-- receive-only: no client may broadcast on them.
begin;
select plan(10);

select tests.create_portal_world();
select tests.act_as('guest');
select is(tests.can_receive('ticket:' || tests.fixture('ticket_a1')), true, 'the guest listens to its ticket');
select is(tests.can_receive('ticket:' || tests.fixture('ticket_a')), false, 'not to a client-wide ticket of A');
select is(tests.can_send('ticket:' || tests.fixture('ticket_a1')), false, 'and may not broadcast on a ticket channel');
select is(tests.can_receive('ticket:' || tests.fixture('ticket_a1'), 'presence'), false, 'ticket channels have no presence');
select tests.act_as('staff');
select is(tests.can_receive('ticket:' || tests.fixture('ticket_b')), true, 'staff listen to any ticket');
select is(tests.can_send('ticket:' || tests.fixture('ticket_b')), false, 'but do not broadcast there either');
select tests.act_as('client_a');
select is(tests.can_receive('user:' || tests.fixture('client_a')), true, 'a user listens to its own channel');
select is(tests.can_receive('user:' || tests.fixture('client_a2')), false, 'not to a colleague''s');
select is(tests.can_send('user:' || tests.fixture('client_a')), false, 'and cannot fake notifications on its own');
select is(tests.can_receive('room:lobby'), false, 'unknown topic kinds are closed');

select * from finish();
rollback;
