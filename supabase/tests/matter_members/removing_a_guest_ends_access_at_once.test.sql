-- Test: when a client user removes the guest from A1, the guest loses the matter, its documents,
-- tickets, threads, realtime topics and notifications about it in the same moment.
begin;
select plan(10);

select tests.create_portal_world();
select isnt(tests.visible_as('guest', 'select id from public.documents'), '{}'::text[], 'before: the guest sees A1''s documents');

select tests.act_as('client_a2');
select results_eq($$with gone as (delete from public.matter_members where user_id = tests.fixture('guest') returning 1)
                   select count(*)::int from gone$$, array[1], 'a user of the client removes the guest');

select is(tests.visible_as('guest', 'select id from public.matters'), '{}'::text[], 'the guest sees no matter');
select is(tests.visible_as('guest', 'select id from public.documents'), '{}'::text[], 'no document');
select is(tests.visible_as('guest', 'select id from public.tickets'), '{}'::text[], 'not even the ticket it opened');
select is(tests.visible_as('guest', 'select id from public.conversations'), '{}'::text[], 'no thread');
select is(tests.visible_as('guest', 'select id from public.messages'), '{}'::text[], 'no message, although still a participant row');
select tests.act_as('guest');
select is(tests.can_receive('conversation:' || tests.fixture('conv_a1')), false, 'it can no longer join the thread''s channel');
select is(tests.can_receive('ticket:' || tests.fixture('ticket_a1')), false, 'nor the ticket''s channel');
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where user_id = tests.fixture('guest')
             and matter_id = tests.fixture('matter_a1')), 0, 'its notifications about A1 are gone');

select * from finish();
rollback;
