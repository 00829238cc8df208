-- Test: create_document_upload refuses what the bucket would refuse and what the caller may not.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_b1'), 'a.pdf', 1, 'application/pdf', repeat('0', 64))$$,
  'P0001', 'matter_not_found', 'not into another client''s matter');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), '../a.pdf', 1, 'application/pdf', repeat('0', 64))$$,
  'P0001', 'invalid_file_name', 'no path separators in names');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.pdf', 200 * 1024 * 1024 + 1, 'application/pdf', repeat('0', 64))$$,
  'P0001', 'document_too_large', 'at most 200 MiB');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.html', 1, 'text/html', repeat('0', 64))$$,
  'P0001', 'document_type_not_allowed', 'no HTML');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.svg', 1, 'image/svg+xml', repeat('0', 64))$$,
  'P0001', 'document_type_not_allowed', 'no SVG');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.pdf', 1, 'application/pdf', 'abc')$$,
  'P0001', 'invalid_checksum', 'the SHA-256 must be 64 hex digits');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.pdf', 1, 'application/pdf', repeat('0', 64), tests.fixture('doc_b1'))$$,
  'P0001', 'invalid_previous_version', 'a version must follow a document of the same matter');
select tests.act_as('guest');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.pdf', 1, 'application/pdf', repeat('0', 64), tests.fixture('doc_a1_unreleased'))$$,
  'P0001', 'invalid_previous_version', 'nor of a document the caller cannot see');
select tests.act_as('past_grace');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'a.pdf', 1, 'application/pdf', repeat('0', 64))$$,
  'P0001', 'mfa_required', 'a past-grace user uploads nothing');

select * from finish();
rollback;
