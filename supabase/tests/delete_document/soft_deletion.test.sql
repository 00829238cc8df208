-- Test: staff and the uploader soft-delete a document; others cannot; deleted documents vanish
-- for clients and cannot be downloaded.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a2');
select throws_ok($$select public.delete_document(tests.fixture('doc_a1_client'))$$, 'P0001', 'forbidden', 'a colleague cannot delete another''s upload');
select tests.act_as('client_b');
select throws_ok($$select public.delete_document(tests.fixture('doc_a1_client'))$$, 'P0001', 'document_not_found', 'client B cannot even find it');
select tests.act_as('client_a');
select lives_ok($$select public.delete_document(tests.fixture('doc_a1_client'))$$, 'the uploader deletes its own upload');
select is(tests.visible_as('guest', 'select id from public.documents'), array['doc_a1_released'], 'it disappears for the matter');
select tests.act_as('staff');
select throws_ok($$select public.document_download_url(tests.fixture('doc_a1_client'))$$, 'P0001', 'document_not_found',
  'a deleted document is not downloadable, not even by staff');
select throws_ok($$select public.delete_document(tests.fixture('doc_a1_client'))$$, 'P0001', 'document_deleted', 'deleting twice is reported');

select * from finish();
rollback;
