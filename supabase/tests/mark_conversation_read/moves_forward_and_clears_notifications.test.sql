-- Test: mark_conversation_read moves the caller's own mark forward only, marks its in-app
-- notifications of the conversation read, tells the topic that marks moved (not whose), and
-- refuses people who do not take part.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('lawyer');
select ok((select count(*) from public.notifications where entity_id = tests.fixture('conv_a') and read_at is null) > 0,
  'the lawyer has an unread notification of the thread');
select is(public.mark_conversation_read(tests.fixture('conv_a')), now(), 'the thread is read up to now');
select is((select count(*)::int from public.notifications where entity_id = tests.fixture('conv_a') and read_at is null), 0,
  'its notifications are read');
select is(public.mark_conversation_read(tests.fixture('conv_a'), now() - interval '1 hour'), now(), 'a mark never moves back');
select tests.clear_authentication();
select is((select array_agg((payload - 'id')::text) from realtime.messages where topic = 'conversation:' || tests.fixture('conv_a') and event = 'read'),
  array[jsonb_build_object('conversation_id', tests.fixture('conv_a'))::text], 'the topic hears that a mark moved, once, without who');
select tests.act_as('client_b');
select throws_ok($$select public.mark_conversation_read(tests.fixture('conv_a'))$$, 'P0001', 'conversation_not_found',
  'client B cannot touch client A''s thread');
select tests.act_as('staff');
select throws_ok($$select public.mark_conversation_read(tests.fixture('conv_a'))$$, 'P0001', 'conversation_not_found',
  'nor can staff who do not take part');

select * from finish();
rollback;
