-- Test: list_conversations lists the caller's own threads or chats (staff also every one), with
-- previews and unread counts only where the caller takes part, newest activity first.
begin;
select plan(10);

select tests.create_portal_world();
select is(tests.visible_as('client_a', $$select id from public.list_conversations()$$), array['conv_a', 'conv_a1'], 'client A lists its threads');
select is(tests.visible_as('guest', $$select id from public.list_conversations()$$), array['conv_a1'], 'the guest only its matter''s');
select is(tests.visible_as('client_a2', $$select id from public.list_conversations()$$), '{}'::text[], 'a colleague who takes part in none lists none');
select is(tests.visible_as('client_b', $$select id from public.list_conversations('chat')$$), array['conv_b'], 'client B lists its chat');
select is(tests.visible_as('staff', $$select id from public.list_conversations()$$), array['conv_a1'], 'staff list the threads they take part in');
select is(tests.visible_as('staff', $$select id from public.list_conversations(scope => 'all')$$), array['conv_a', 'conv_a1'],
  'and, asking for all, every thread');
select tests.act_as('staff');
select is((select row(preview, unread_count, is_participant)::text from public.list_conversations(scope => 'all') where id = tests.fixture('conv_a')),
  row(null::text, 0, false)::text, 'without preview or count where they do not take part');
select is((select row(preview, preview_author_name, unread_count, client_name, matter_title)::text
             from public.list_conversations() where id = tests.fixture('conv_a1')),
  row('Gutachten folgt', 'Gustav Guest', 1, 'Alpha Bau GmbH', 'A1 Bauvertrag')::text, 'a participant sees preview, author, unread count, client and matter');
select tests.act_as('client_a');
select throws_ok($$select public.list_conversations(scope => 'all')$$, 'P0001', 'invalid_scope', 'only staff list every thread');
select throws_ok($$select public.list_conversations('letters')$$, 'P0001', 'invalid_kind', 'an unknown kind is refused');

select * from finish();
rollback;
