-- Test: deleting a conversation's file follows reading it: a staff member who takes part in the
-- thread deletes it, a staff member outside the thread is refused as if it did not exist (and a
-- participant client who did not upload it is refused as not its own).
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('report', tests.sent_attachment(tests.fixture('conv_a1'), 'Gutachten.pdf'));

select tests.act_as('lawyer');
select throws_ok($$select public.delete_document(tests.fixture('report'))$$, 'P0001', 'document_not_found',
  'staff outside the thread cannot delete its file');
select tests.act_as('client_a');
select throws_ok($$select public.delete_document(tests.fixture('report'))$$, 'P0001', 'forbidden',
  'a client in the thread reads it but does not delete the firm''s file');
select is((select deleted_at from public.documents where id = tests.fixture('report')), null, 'the file is still there');

select tests.act_as('staff');
select lives_ok($$select public.delete_document(tests.fixture('report'))$$, 'the staff member in the thread deletes it');
select tests.clear_authentication();
select is((select deleted_by from public.documents where id = tests.fixture('report')), tests.fixture('staff'), 'deleted by that staff member');
select tests.act_as('lawyer');
select throws_ok($$select public.delete_document(tests.fixture('report'))$$, 'P0001', 'document_not_found',
  'and the outsider still learns nothing, not even that it was deleted');

select * from finish();
rollback;
