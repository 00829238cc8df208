-- Test: a conversation's file (a document row with conversation_id) cannot be pulled out of its
-- conversation by the document RPCs: not released, filed, listed, marked or inspected by staff
-- outside the thread (Dr. Lena Lawyer, who reads every matter document), not by the staff member
-- who takes part either where the RPC is about a matter; never in a matter's document list, even
-- though the thread belongs to matter A1 and client_a2 and the guest read that matter. And the
-- reverse: a matter document cannot be carried into a thread whose people do not read it.
begin;
select plan(26);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('thread_file', tests.sent_attachment(tests.fixture('conv_a1'), 'Gutachten.pdf'));
select tests.clear_authentication();
-- What the outsider must not change (timestamps are the transaction's now(), so compare who and where).
create temporary table sent_state as
  select row(released_by, release_note, folder, staff_seen_by, deleted_at)::text as state from public.documents where id = tests.fixture('thread_file');

-- Staff outside the thread: as if the file did not exist.
select tests.act_as('lawyer');
select throws_ok($$select public.release_document(tests.fixture('thread_file'))$$, 'P0001', 'document_not_found',
  'staff outside the thread cannot release its file (and get no row back)');
select throws_ok($$select public.release_documents(array[tests.fixture('thread_file')])$$, 'P0001', 'document_not_found',
  'nor release it in bulk');
select throws_ok($$select public.release_documents(array[tests.fixture('doc_a1_unreleased'), tests.fixture('thread_file')])$$,
  'P0001', 'document_not_found', 'nor hide it among matter documents');
select throws_ok($$select * from public.document_downloads(tests.fixture('thread_file'))$$, 'P0001', 'document_not_found',
  'nor read who downloaded it');
select throws_ok($$select * from public.document_versions(tests.fixture('thread_file'))$$, 'P0001', 'document_not_found',
  'nor list its versions');
select throws_ok($$select * from public.document_download_url(tests.fixture('thread_file'))$$, 'P0001', 'document_not_found',
  'nor download it');
select throws_ok($$select public.file_documents(array[tests.fixture('thread_file')], 'Gutachten')$$, 'P0001', 'document_not_found',
  'nor file it into a folder');
select lives_ok($$select public.mark_document_seen(tests.fixture('thread_file'))$$, 'marking it seen is silently nothing');
select is((select count(*)::int from public.list_documents(max_rows => 200) where id = tests.fixture('thread_file')), 0,
  'it is not among all documents staff list');
select is((select count(*)::int from public.list_documents(filter_matter => tests.fixture('matter_a1'), max_rows => 200)
            where id = tests.fixture('thread_file')), 0, 'nor in the list of the thread''s matter');
select is((select count(*)::int from public.documents where id = tests.fixture('thread_file')), 0, 'nor in the table');
select tests.clear_authentication();
select is((select row(released_by, release_note, folder, staff_seen_by, deleted_at)::text from public.documents where id = tests.fixture('thread_file')),
  (select state from sent_state), 'the outsider changed nothing: not released again, not filed, not marked seen');

-- The staff member in the thread: reads it, sees its downloads, but it is no matter document.
select tests.act_as('staff');
select is((select count(*)::int from public.document_download_url(tests.fixture('thread_file'))), 1, 'the staff member in the thread downloads it');
select is((select count(*)::int from public.document_downloads(tests.fixture('thread_file'))), 1, 'and sees that download');
select throws_ok($$select public.release_document(tests.fixture('thread_file'))$$, 'P0001', 'document_not_found',
  'even a participant cannot release a thread''s file to the matter');
select throws_ok($$select public.release_documents(array[tests.fixture('thread_file')], 'Bitte lesen')$$, 'P0001', 'document_not_found',
  'nor in bulk');
select throws_ok($$select public.file_documents(array[tests.fixture('thread_file')], 'Gutachten')$$, 'P0001', 'document_not_found',
  'nor file it into the matter''s folders');
select is((select count(*)::int from public.list_documents(filter_matter => tests.fixture('matter_a1'), max_rows => 200)
            where id = tests.fixture('thread_file')), 0, 'the thread''s file is not in its matter''s list for a participant either');
select is(public.release_documents(array[tests.fixture('doc_a1_unreleased')]), 1, 'matter documents are still released as before');


-- People of the matter who are not in the thread never list it.
select tests.act_as('client_a2');
select is((select count(*)::int from public.list_documents(max_rows => 200) where id = tests.fixture('thread_file')), 0,
  'a user of the client outside the thread does not list it');
select throws_ok($$select * from public.document_download_url(tests.fixture('thread_file'))$$, 'P0001', 'document_not_found',
  'nor download it');
select tests.act_as('client_a');
select is((select count(*)::int from public.list_documents(filter_matter => tests.fixture('matter_a1'), max_rows => 200)
            where id = tests.fixture('thread_file')), 0, 'a participant does not find it in the matter''s list (it lives in the thread)');

-- The reverse: a matter document cannot become a thread's file.
select tests.act_as('staff');
select throws_ok($$select public.send_message(tests.fixture('conv_b'), gen_random_uuid(), 'Anbei', null, array[tests.fixture('doc_a1_released')])$$,
  'P0001', 'attachment_not_found', 'a matter document cannot be sent into another client''s chat');
select tests.act_as('client_a');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Anbei', null, array[tests.fixture('doc_a1_client')])$$,
  'P0001', 'attachment_not_found', 'nor can its uploader move it into a thread');
select tests.clear_authentication();
select is((select row(matter_id, conversation_id)::text from public.documents where id = tests.fixture('doc_a1_client')),
  row(tests.fixture('matter_a1'), null::uuid)::text, 'it stays in its matter');
select tests.act_as('client_b');
select is((select count(*)::int from public.documents where id = tests.fixture('doc_a1_released')), 0, 'and client B still does not read it');

select * from finish();
rollback;
