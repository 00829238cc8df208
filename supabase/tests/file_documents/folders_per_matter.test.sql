-- Test: staff file any document into a folder, others only their own uploads; folders are counted
-- per matter with what the caller may read; bad folder names are refused.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('staff');
select is(public.file_documents(array[tests.fixture('doc_a1_released'), tests.fixture('doc_a1_unreleased')], ' Korrespondenz '), 2, 'staff file documents');
select tests.act_as('client_a');
select throws_ok($$select public.file_documents(array[tests.fixture('doc_a1_released')], 'Meins')$$, 'P0001', 'document_not_found', 'a client cannot move the firm''s documents');
select is(public.file_documents(array[tests.fixture('doc_a1_client')], 'Korrespondenz'), 1, 'but files its own');
select throws_ok($$select public.file_documents(array[tests.fixture('doc_a1_client')], 'a/b')$$, 'P0001', 'invalid_folder', 'no slashes in a folder');
select is((select documents from public.document_folders(tests.fixture('matter_a1')) where folder = 'Korrespondenz'), 2::bigint,
  'the client counts the two it may read');
select tests.act_as('guest');
select throws_ok($$select * from public.document_folders(tests.fixture('matter_a2'))$$, 'P0001', 'matter_not_found', 'the guest knows no folders of other matters');

select * from finish();
rollback;
