-- Test: send_message lands a message once under the id the app generated (a retry, a queued
-- message sent on reconnect, a second tab); another text under that id is refused; text rules.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('client_a');
select is((public.send_message(tests.fixture('conv_a'), '00000000-0000-4000-8000-00000000a001', '  Guten Tag  ')).body,
  'Guten Tag', 'a message is sent, trimmed');
select is((public.send_message(tests.fixture('conv_a'), '00000000-0000-4000-8000-00000000a001', 'Guten Tag')).id,
  '00000000-0000-4000-8000-00000000a001'::uuid, 'sending again under the same id answers the same message');
select is((select count(*)::int from public.messages where id = '00000000-0000-4000-8000-00000000a001'), 1, 'and it exists once');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), '00000000-0000-4000-8000-00000000a001', 'Anderer Text')$$,
  'P0001', 'message_id_conflict', 'another text under a used id is refused');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), null, 'Hallo')$$, 'P0001', 'message_id_required',
  'the app must name the id');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), E' \n ')$$, 'P0001', 'body_required',
  'an empty message is refused');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), repeat('x', 20001))$$, 'P0001', 'body_too_long',
  'more than 20,000 characters are refused');
select tests.act_as('lawyer');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), '00000000-0000-4000-8000-00000000a001', 'Guten Tag')$$,
  'P0001', 'message_id_conflict', 'someone else cannot claim the id');

select * from finish();
rollback;
