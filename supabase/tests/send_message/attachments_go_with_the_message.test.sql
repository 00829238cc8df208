-- Test: send_message attaches the sender's completed uploads in the same transaction; a retry
-- under the same id attaches nothing twice; uploads of others, attached ones, unfinished ones,
-- too many, or a conversation the sender does not take part in are refused and nothing is sent.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('client_a');
select tests.remember('scan', tests.completed_attachment('Kaufvertrag Scan.pdf'));
select tests.remember('msg_with_scan', gen_random_uuid());
select lives_ok($$select public.send_message(tests.fixture('conv_a'), tests.fixture('msg_with_scan'), '', null, array[tests.fixture('scan')])$$,
  'a message may be only a file');
select results_eq($$select a ->> 'name' from public.list_messages(tests.fixture('conv_a'), message_ids => array[tests.fixture('msg_with_scan')]) as m,
                          jsonb_array_elements(m.attachments) as a$$,
  $$values ('Kaufvertrag Scan.pdf')$$, 'list_messages names the attachment');
select lives_ok($$select public.send_message(tests.fixture('conv_a'), tests.fixture('msg_with_scan'), '', null, array[tests.fixture('scan')])$$,
  'the retried send returns the same message');
select tests.clear_authentication();
select results_eq($$select conversation_id, message_id, released_at is not null from public.documents where id = tests.fixture('scan')$$,
  $$values (tests.fixture('conv_a'), tests.fixture('msg_with_scan'), true)$$, 'the upload now belongs to the message, released');
select is((select count(*)::int from ops.audit_events where action = 'document.attached' and entity_id = tests.fixture('scan')::text
            and details ->> 'message_id' = tests.fixture('msg_with_scan')::text), 1, 'attached once, audited with the message');

select tests.act_as('client_a');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'nochmal', null, array[tests.fixture('scan')])$$,
  'P0001', 'attachment_not_found', 'an attached file cannot go with a second message');
select tests.remember('draft_upload', (select document_id from public.create_document_upload(null, 'Entwurf.pdf', 10, 'application/pdf', repeat('ab', 32))));
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Entwurf', null, array[tests.fixture('draft_upload')])$$,
  'P0001', 'attachment_not_uploaded', 'an unfinished upload is refused');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'viele',
                     null, array(select tests.completed_attachment('Seite ' || n || '.pdf') from generate_series(1, 11) as n))$$,
  'P0001', 'too_many_attachments', 'at most ten files a message');
select tests.remember('own_photo', tests.completed_attachment('Foto.pdf'));
select tests.act_as('guest');
select throws_ok($$select public.send_message(tests.fixture('conv_a1'), gen_random_uuid(), 'fremd', null, array[tests.fixture('own_photo')])$$,
  'P0001', 'attachment_not_found', 'nobody sends another person''s upload');
select tests.act_as('client_a');
select throws_ok($$select public.send_message(tests.fixture('conv_b'), gen_random_uuid(), 'falsch', null, array[tests.fixture('own_photo')])$$,
  'P0001', 'conversation_not_found', 'not into a conversation the sender does not take part in');
select tests.clear_authentication();
select is((select conversation_id from public.documents where id = tests.fixture('own_photo')), null, 'the refused file stays unattached');
select is((select count(*)::int from public.messages where body in ('nochmal', 'Entwurf', 'viele', 'fremd', 'falsch')), 0, 'no refused message was stored');

select * from finish();
rollback;
