-- Test: authors edit a message for 15 minutes and delete it at any time ("Nachricht gelöscht");
-- both are audited without the text; chat events are neither edited nor deleted.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('client_a');
select lives_ok($$update public.messages set body = 'Hallo liebe Kanzlei' where id = tests.fixture('msg_a')$$, 'a fresh message is edited');
select tests.clear_authentication();
update public.messages set created_at = now() - interval '16 minutes' where id = tests.fixture('msg_a');
select tests.act_as('client_a');
select throws_ok($$update public.messages set body = 'Später geändert' where id = tests.fixture('msg_a')$$, 'P0001', 'edit_window_passed',
  'after 15 minutes the text stays');
select lives_ok($$update public.messages set deleted_at = now() where id = tests.fixture('msg_a')$$, 'but it can still be deleted');
select tests.clear_authentication();
select is((select array_agg(action order by action) from ops.audit_events where entity_id = tests.fixture('msg_a')::text),
  array['message.deleted', 'message.edited'], 'the edit and the deletion are audited');
select is((select count(*)::int from ops.audit_events where entity_id = tests.fixture('msg_a')::text and details::text like '%Kanzlei%'), 0,
  'the audit keeps no text');
select tests.act_as('staff');
select public.take_chat(tests.fixture('conv_b'));
select throws_ok($$update public.messages set body = 'x' where conversation_id = tests.fixture('conv_b') and event = 'chat_taken'$$,
  'P0001', 'message_not_editable', 'a chat event is not edited');
select throws_ok($$update public.messages set deleted_at = now() where conversation_id = tests.fixture('conv_b') and event = 'chat_taken'$$,
  'P0001', 'message_not_editable', 'nor deleted');

select * from finish();
rollback;
