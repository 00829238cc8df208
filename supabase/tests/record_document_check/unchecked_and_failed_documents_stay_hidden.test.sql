-- Test: a finished upload is checked before anyone but staff and the uploader sees it; nobody
-- reads its object meanwhile; staff cannot release it; a wrong checksum or content that is not
-- the declared type fails it (soft-deleted, audited, grants gone); a passed one is released as usual.
begin;
select plan(16);

select tests.create_portal_world();
-- Three uploads of the staff member into A1, each completed (the check is then pending).
select tests.act_as('staff');
create temporary table uploads as
  select n.label, u.* from (values ('good', 'Gutachten.pdf'), ('tampered', 'Rechnung.pdf'), ('disguised', 'Programm.pdf')) as n(label, file)
  cross join lateral public.create_document_upload(tests.fixture('matter_a1'), n.file, 10, 'application/pdf', repeat('ef', 32)) as u;
grant select on uploads to authenticated, service_role;
insert into storage.objects (bucket_id, name, owner_id, metadata)
  select 'documents', path, tests.fixture('staff')::text, '{"size":10}' from uploads;
select is((select count(*)::int from uploads as u, lateral public.complete_document_upload(u.document_id) as c where c.content_check = 'pending'), 3,
  'completing an upload starts its check');
select tests.clear_authentication();
select ok(exists (select 1 from net.http_request_queue where url like '%/functions/v1/verify-document'), 'verify-document is asked');
select tests.act_as('staff');
select throws_ok($$select public.release_documents(array[(select document_id from uploads where label = 'good')])$$, 'P0001', 'document_not_checked',
  'staff cannot release it before the check passed');
select throws_ok($$select public.release_document((select document_id from uploads where label = 'good'))$$, 'P0001', 'document_not_checked',
  'not through the single release either');
select is((select count(*)::int from public.documents where id in (select document_id from uploads)), 3, 'staff see the documents being checked');
select is((select count(*)::int from public.document_download_url((select document_id from uploads where label = 'good'))), 1, 'staff may ask for a download');
select is((select count(*)::int from storage.objects where name = (select path from uploads where label = 'good')), 0,
  'but nobody reads the object before the check passed');

select tests.authenticate_as_service_role();
select is(public.record_document_check((select document_id from uploads where label = 'good'), repeat('EF', 32), 'pdf'), 'passed', 'matching checksum and type pass');
select is(public.record_document_check((select document_id from uploads where label = 'tampered'), repeat('00', 32), 'pdf'), 'failed', 'a different checksum fails');
select is(public.record_document_check((select document_id from uploads where label = 'disguised'), repeat('ef', 32), 'binary'), 'failed', 'content that is no PDF fails');
select is(public.record_document_check((select document_id from uploads where label = 'good'), repeat('ef', 32), 'pdf'), 'passed', 'a repeated report changes nothing');
select tests.clear_authentication();
select is((select array_agg(content_check_reason order by name) from public.documents where id in (select document_id from uploads) and deleted_at is not null),
  array['content_type_mismatch', 'checksum_mismatch'], 'failed documents are soft-deleted with their reason');
select is((select count(*)::int from ops.audit_events where action = 'document.rejected'), 2, 'and audited');

select tests.act_as('staff');
select is((select count(*)::int from storage.objects where name = (select path from uploads where label = 'good')), 1, 'the passed object is readable with the grant');
select is(public.release_documents(array[(select document_id from uploads where label = 'good')], 'Bitte prüfen'), 1, 'and can be released');
select throws_ok($$select public.restore_document((select document_id from uploads where label = 'tampered'))$$, 'P0001', 'document_rejected',
  'a rejected document cannot be restored');

select * from finish();
rollback;
