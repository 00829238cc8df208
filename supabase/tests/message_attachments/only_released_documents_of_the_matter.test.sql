-- Test: an author attaches released documents of the conversation's matter to its own message;
-- participants see the attachments, others do not.
begin;
select plan(6);

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

select * from finish();
rollback;
