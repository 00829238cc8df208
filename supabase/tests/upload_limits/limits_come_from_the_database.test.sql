-- Test: upload limits per purpose come from the database, and create_document_upload applies
-- them: attachments at most 25 MiB, the bucket's types, no versions, 50 unattached a day.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('guest');
select results_eq($$select purpose, max_bytes, max_files from public.upload_limits()$$,
  $$values ('attachment'::text, 26214400::bigint, 10), ('matter', 209715200, null)$$, 'matter documents 200 MiB, attachments 25 MiB and 10 a reply');
select ok((select 'application/pdf' = any (mime_types) and not ('text/html' = any (mime_types)) from public.upload_limits() where purpose = 'attachment'),
  'with the bucket''s types: PDF yes, HTML no');
select throws_ok($$select public.create_document_upload(null, 'gross.pdf', 26214401, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'document_too_large', 'an attachment over 25 MiB is refused');
select lives_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'gross.pdf', 26214401, 'application/pdf', repeat('ab', 32))$$,
  'the same file fits into a matter');
select throws_ok($$select public.create_document_upload(null, 'seite.html', 100, 'text/html', repeat('ab', 32))$$,
  'P0001', 'document_type_not_allowed', 'HTML is refused');
select throws_ok($$select public.create_document_upload(null, 'v2.pdf', 100, 'application/pdf', repeat('ab', 32), tests.fixture('doc_a1_released'))$$,
  'P0001', 'invalid_previous_version', 'attachments have no versions');
select lives_ok($$select public.create_document_upload(null, 'f' || n || '.pdf', 100, 'application/pdf', repeat('ab', 32)) from generate_series(1, 50) as n$$,
  'fifty unattached uploads in a day are fine');
select throws_ok($$select public.create_document_upload(null, 'f51.pdf', 100, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'too_many_pending_uploads', 'the fifty-first is refused');

select * from finish();
rollback;
