-- Test: whoever deleted a document undoes it within 10 minutes; later only staff restore it;
-- others cannot restore what they did not delete.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select public.delete_document(tests.fixture('doc_a1_client'));
select tests.act_as('client_a2');
select throws_ok($$select public.restore_document(tests.fixture('doc_a1_client'))$$, 'P0001', 'document_not_found', 'a co-user cannot restore it');
select tests.act_as('client_a');
select lives_ok($$select public.restore_document(tests.fixture('doc_a1_client'))$$, 'the one who deleted it undoes it');
select throws_ok($$select public.restore_document(tests.fixture('doc_a1_client'))$$, 'P0001', 'document_not_deleted', 'once');

select public.delete_document(tests.fixture('doc_a1_client'));
select tests.clear_authentication();
update public.documents set deleted_at = now() - interval '11 minutes' where id = tests.fixture('doc_a1_client');
select tests.act_as('client_a');
select throws_ok($$select public.restore_document(tests.fixture('doc_a1_client'))$$, 'P0001', 'undo_expired', 'after 10 minutes the undo is over');
select tests.act_as('staff');
select lives_ok($$select public.restore_document(tests.fixture('doc_a1_client'))$$, 'staff restore it');
select ok('doc_a1_client' = any (tests.visible_as('guest', 'select id from public.documents')), 'and the matter sees it again');

select * from finish();
rollback;
