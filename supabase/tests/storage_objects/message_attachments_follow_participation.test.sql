-- Test: a message attachment is readable by exactly the participants who still have access to
-- its conversation, in the documents table and in Storage (after the audited download grant):
-- staff who take part yes, staff who do not, a colleague outside the thread, another client and a
-- guest of another matter no; a removed participant loses it at once; a deleted message takes its
-- files along.
begin;
select plan(16);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('report', tests.completed_attachment('Gutachten.pdf'));
select tests.remember('msg_report', gen_random_uuid());
select public.send_message(tests.fixture('conv_a1'), tests.fixture('msg_report'), 'Das Gutachten anbei', null, array[tests.fixture('report')]);

select is(tests.visible_as('guest', $$select id from public.documents where id = tests.fixture('report')$$), array['report'], 'the guest in the thread reads it');
select is(tests.visible_as('client_a', $$select id from public.documents where id = tests.fixture('report')$$), array['report'], 'the client in the thread reads it');
select is(tests.visible_as('client_a2', $$select id from public.documents where id = tests.fixture('report')$$), '{}'::text[], 'a colleague outside the thread does not');
select is(tests.visible_as('lawyer', $$select id from public.documents where id = tests.fixture('report')$$), '{}'::text[], 'staff outside the thread do not');
select is(tests.visible_as('client_b', $$select id from public.documents where id = tests.fixture('report')$$), '{}'::text[], 'another client does not');
select is(tests.visible_as('totp_aal1', $$select id from public.documents where id = tests.fixture('report')$$), '{}'::text[], 'an aal1 session with a factor does not');

select tests.act_as('guest');
select public.document_download_url(tests.fixture('report'));
select is((select count(*)::int from storage.objects where name = (select storage_path from public.documents where id = tests.fixture('report'))), 1,
  'the guest reads the object after the download request');
select tests.clear_authentication();
select results_eq($$select actor_id, details ->> 'conversation_id', details ->> 'message_id' from ops.audit_events
                     where action = 'document.downloaded' and entity_id = tests.fixture('report')::text$$,
  $$values (tests.fixture('guest'), tests.fixture('conv_a1')::text, tests.fixture('msg_report')::text)$$, 'and that download is audited with the conversation');
select tests.act_as('client_a2');
select throws_ok($$select public.document_download_url(tests.fixture('report'))$$, 'P0001', 'document_not_found', 'the colleague is refused the download');

-- Client B's chat: the guest of A's matter is another client's guest.
select tests.act_as('client_b');
select tests.remember('letter', tests.completed_attachment('Testament.pdf'));
select public.send_message(tests.fixture('conv_b'), gen_random_uuid(), '', null, array[tests.fixture('letter')]);
select tests.act_as('guest');
select throws_ok($$select public.document_download_url(tests.fixture('letter'))$$, 'P0001', 'document_not_found', 'another client''s guest is refused');
select is(tests.visible_as('staff', $$select id from public.documents where id = tests.fixture('letter')$$), array['letter'], 'the staff member in the chat reads it');

-- Removed from the matter: the guest loses the file in the same statement.
select tests.clear_authentication();
delete from public.matter_members where user_id = tests.fixture('guest') and matter_id = tests.fixture('matter_a1');
select is(tests.visible_as('guest', $$select id from public.documents where id = tests.fixture('report')$$), '{}'::text[], 'a removed guest no longer reads it');
select tests.act_as('guest');
select throws_ok($$select public.document_download_url(tests.fixture('report'))$$, 'P0001', 'document_not_found', 'nor downloads it');
select is((select count(*)::int from storage.objects where name = (select storage_path from public.documents where id = tests.fixture('report'))), 0,
  'nor reads the object, despite its earlier grant');

-- The author deletes the message: its file goes with it.
select tests.act_as('staff');
update public.messages set deleted_at = now() where id = tests.fixture('msg_report');
select is(tests.visible_as('client_a', $$select id from public.documents where id = tests.fixture('report')$$), '{}'::text[], 'a deleted message''s file is withdrawn');
select tests.clear_authentication();
select is((select count(*)::int from ops.audit_events where action = 'document.deleted' and entity_id = tests.fixture('report')::text), 1,
  'and its withdrawal audited');

select * from finish();
rollback;
