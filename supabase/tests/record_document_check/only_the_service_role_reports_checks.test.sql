-- Test: no signed-in user can report a content check or read the queue of pending checks.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$select public.record_document_check(tests.fixture('doc_a1_released'), repeat('ab', 32), 'pdf')$$, '42501', null, 'staff cannot report a check');
select throws_ok($$select * from public.pending_document_checks()$$, '42501', null, 'nor read the queue');
select tests.act_as('client_a');
select throws_ok($$select public.record_document_check(tests.fixture('doc_a1_client'), repeat('ab', 32), 'pdf')$$, '42501', null, 'nor can an uploader');

select * from finish();
rollback;
