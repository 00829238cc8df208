-- Test: a ticket's attachment is never a matter document: releasing it (one or in bulk) is
-- document_not_found even for staff, who read the ticket, and it stays out of the matter's list;
-- the ticket's readers still download it.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('guest');
select tests.remember('ticket_file', tests.completed_attachment('Riss Bodenplatte.pdf'));
select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Foto vom Riss', null, array[tests.fixture('ticket_file')]);

select tests.act_as('lawyer');
select throws_ok($$select public.release_document(tests.fixture('ticket_file'))$$, 'P0001', 'document_not_found',
  'staff cannot release a ticket''s attachment');
select throws_ok($$select public.release_documents(array[tests.fixture('doc_a1_unreleased'), tests.fixture('ticket_file')])$$,
  'P0001', 'document_not_found', 'nor among matter documents in bulk');
select is((select count(*)::int from public.list_documents(filter_matter => tests.fixture('matter_a1'), max_rows => 200)
            where id = tests.fixture('ticket_file')), 0, 'it is not in the list of the ticket''s matter');
select is((select released_by from public.documents where id = tests.fixture('doc_a1_unreleased')), null,
  'the refused bulk release changed nothing');

select tests.act_as('client_a');
select lives_ok($$select public.document_download_url(tests.fixture('ticket_file'))$$, 'the ticket''s client downloads it');

select * from finish();
rollback;
