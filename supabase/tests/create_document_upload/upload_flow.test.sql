-- Test: the upload flow end to end for a client and for staff: prepared row → object at exactly
-- that path → completion; client uploads are released at once, staff uploads wait for release.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('client_a');
create temporary table prepared as
  select * from public.create_document_upload(tests.fixture('matter_a1'), 'Vertrag Müller.pdf', 2048, 'Application/PDF', repeat('AB', 32));
select matches((select path from prepared), '^' || tests.fixture('matter_a1') || '/[0-9a-f-]{36}/Vertrag_Mueller\.pdf$',
  'the path is <matter>/<document>/<storage-safe name>');
select is((select name from public.documents where id = (select document_id from prepared)), 'Vertrag Müller.pdf', 'the original name is kept');
select throws_ok($$select public.complete_document_upload((select document_id from prepared))$$, 'P0001', 'document_object_missing',
  'completion needs the object');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('documents', tests.fixture('matter_a1') || '/' || gen_random_uuid() || '/x.pdf')$$,
  '42501', null, 'Storage refuses an object at a path nobody prepared');
select tests.act_as('client_a2');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('documents', (select path from prepared))$$, '42501', null,
  'a colleague cannot upload into someone else''s prepared path');
select tests.act_as('client_a');
select lives_ok($$insert into storage.objects (bucket_id, name, metadata) values ('documents', (select path from prepared), '{"size":2050}')$$,
  'the uploader puts the object at the prepared path');
select is((public.complete_document_upload((select document_id from prepared))).size_bytes, 2050::bigint,
  'completion records the size Storage measured');
select tests.act_as('guest');
select is((select count(*)::int from public.documents where name = 'Vertrag Müller.pdf'), 0, 'a client upload waits for its content check');
select tests.clear_authentication();
select is(public.record_document_check((select document_id from prepared), repeat('ab', 32), 'pdf'), 'passed', 'the check passes');
select tests.act_as('guest');
select is((select count(*)::int from public.documents where name = 'Vertrag Müller.pdf'), 1, 'then it is released to the matter at once');

select tests.act_as('staff');
create temporary table staff_prepared as
  select * from public.create_document_upload(tests.fixture('matter_a1'), 'Entwurf.docx', 10,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document', repeat('cd', 32));
insert into storage.objects (bucket_id, name) values ('documents', (select path from staff_prepared));
select is((public.complete_document_upload((select document_id from staff_prepared))).released_at, null, 'a staff upload is not released');
select tests.act_as('client_a');
select is((select count(*)::int from public.documents where name = 'Entwurf.docx'), 0, 'so the client does not see it yet');

select * from finish();
rollback;
