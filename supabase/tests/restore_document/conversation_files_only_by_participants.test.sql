-- Test: restoring a conversation's file follows reading it: a staff member outside the thread
-- cannot bring a deleted file back, a staff member in the thread can.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('report', tests.sent_attachment(tests.fixture('conv_a1'), 'Gutachten.pdf'));
select public.delete_document(tests.fixture('report'));

select tests.act_as('lawyer');
select throws_ok($$select public.restore_document(tests.fixture('report'))$$, 'P0001', 'document_not_found',
  'staff outside the thread cannot restore its file');
select tests.act_as('staff');
select lives_ok($$select public.restore_document(tests.fixture('report'))$$, 'the staff member in the thread restores it');
select is(tests.visible_as('client_a', $$select id from public.documents where id = tests.fixture('report')$$), array['report'],
  'and the client in the thread reads it again');

select * from finish();
rollback;
