-- Test: an author attaches released documents of the conversation's matter to its own message;
-- participants see the reference; a colleague outside the thread, another client and a guest who
-- was removed from the matter do not (the matter document itself stays the matter's).
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('guest');
select lives_ok($$insert into public.message_attachments (message_id, document_id) values (tests.fixture('msg_a1'), tests.fixture('doc_a1_released'))$$,
  'the author attaches a released document of A1');
select throws_ok($$insert into public.message_attachments (message_id, document_id) values (tests.fixture('msg_a1'), tests.fixture('doc_a1_unreleased'))$$,
  '42501', null, 'an unreleased document cannot be attached');
select throws_ok($$insert into public.message_attachments (message_id, document_id) values (tests.fixture('msg_a1'), tests.fixture('doc_b1'))$$,
  '42501', null, 'a document of another matter cannot be attached');
select tests.act_as('client_a');
select throws_ok($$insert into public.message_attachments (message_id, document_id) values (tests.fixture('msg_a1'), tests.fixture('doc_a1_client'))$$,
  '42501', null, 'nobody attaches to someone else''s message');
select is(tests.visible_as('client_a', 'select document_id as id from public.message_attachments'), array['doc_a1_released'],
  'participants see the attachment');
select is(tests.visible_as('client_b', 'select document_id as id from public.message_attachments'), '{}'::text[], 'client B does not');
select is(tests.visible_as('client_a2', 'select document_id as id from public.message_attachments'), '{}'::text[],
  'a colleague who does not take part does not');
select is(tests.visible_as('guest', 'select document_id as id from public.message_attachments'), array['doc_a1_released'], 'the guest in the thread does');
select tests.clear_authentication();
delete from public.matter_members where user_id = tests.fixture('guest') and matter_id = tests.fixture('matter_a1');
select is(tests.visible_as('guest', 'select document_id as id from public.message_attachments'), '{}'::text[],
  'a guest removed from the matter no longer does');

select * from finish();
rollback;
