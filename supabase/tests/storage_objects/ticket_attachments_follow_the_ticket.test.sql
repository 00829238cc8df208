-- Test: an attachment upload is its uploader's alone until sent; attached, it is readable by
-- exactly the ticket's readers, in the documents table and in Storage (after the audited
-- download grant), and no one else.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('guest');
select tests.remember('photo', tests.completed_attachment('Riss Bodenplatte.pdf'));
select is(tests.visible_as('guest', $$select id from public.documents where id = tests.fixture('photo')$$), array['photo'], 'the uploader sees its upload');
select is(tests.visible_as('client_a', $$select id from public.documents where id = tests.fixture('photo')$$), '{}'::text[], 'nobody else before it is sent');
select tests.act_as('guest');
select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Foto vom Riss');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a'), 'Falsches Ticket', null, array[tests.fixture('photo')])$$,
  'P0001', 'ticket_not_found', 'it cannot go to a ticket the guest does not read');
select lives_ok($$select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Noch ein Foto', null, array[tests.fixture('photo')])$$, 'sent with a reply');
select is(tests.visible_as('client_a', $$select id from public.documents where id = tests.fixture('photo')$$), array['photo'], 'now the client reads it');
select is(tests.visible_as('client_b', $$select id from public.documents where id = tests.fixture('photo')$$), '{}'::text[], 'another client does not');

select tests.act_as('client_a');
select public.document_download_url(tests.fixture('photo'));
select is((select count(*)::int from storage.objects where name = (select storage_path from public.documents where id = tests.fixture('photo'))), 1,
  'the client reads the object after the download request');
select tests.clear_authentication();
select results_eq($$select actor_id, details ->> 'ticket_id' from ops.audit_events where action = 'document.downloaded' and entity_id = tests.fixture('photo')::text$$,
  $$values (tests.fixture('client_a'), tests.fixture('ticket_a1')::text)$$, 'and that download is audited with the ticket');
select tests.act_as('client_b');
select throws_ok($$select public.document_download_url(tests.fixture('photo'))$$, 'P0001', 'document_not_found', 'client B is refused the download');

select * from finish();
rollback;
