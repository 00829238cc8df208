-- Test: only staff release; release makes the document visible and notifies the matter's people;
-- refusals have codes.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$select public.release_document(tests.fixture('doc_a1_unreleased'))$$, 'P0001', 'forbidden', 'a client cannot release');
select tests.act_as('staff');
select throws_ok($$select public.release_document(tests.fixture('doc_a1_pending'))$$, 'P0001', 'document_not_uploaded',
  'a pending upload cannot be released');
select throws_ok($$select public.release_document(tests.fixture('doc_a1_deleted'))$$, 'P0001', 'document_deleted', 'a deleted document cannot');
select throws_ok($$select public.release_document(tests.fixture('doc_a1_released'))$$, 'P0001', 'document_already_released', 'nor a released one');
select lives_ok($$select public.release_document(tests.fixture('doc_a1_unreleased'))$$, 'staff release the document');
select is(tests.visible_as('guest', 'select id from public.documents where id = tests.fixture(''doc_a1_unreleased'')'), array['doc_a1_unreleased'],
  'the guest now sees it');
select tests.clear_authentication();
select is((select array_agg(f.name order by f.name) from public.notifications as n join tests.fixtures as f on f.id = n.user_id
            where n.kind = 'document.released' and n.entity_id = tests.fixture('doc_a1_unreleased')),
  array['client_a', 'client_a2', 'guest', 'past_grace', 'totp_aal1'], 'the client''s users and the guest are notified, the releaser is not');
select ok(exists (select 1 from ops.audit_events where action = 'document.released' and entity_id = tests.fixture('doc_a1_unreleased')::text),
  'the release is audited');

select * from finish();
rollback;
