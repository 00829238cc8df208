-- Test: document names are kept in Unicode NFC (a decomposed ü becomes "ue" in the path), names
-- with invisible or direction-changing characters or a leading dot are refused, the extension
-- must fit the declared type, and a closed matter takes no uploads.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('client_a');
create temporary table prepared as
  select * from public.create_document_upload(tests.fixture('matter_a1'), U&' Bescheid Mu\0308ller.pdf ', 10, 'application/pdf', repeat('ab', 32));
select is((select name from public.documents where id = (select document_id from prepared)), 'Bescheid Müller.pdf', 'the name is trimmed and composed (NFC)');
select matches((select path from prepared), '/Bescheid_Mueller\.pdf$', 'so the storage name transliterates the umlaut');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), U&'rechnung\202Efdp.exe', 10, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'invalid_file_name', 'a right-to-left override is refused');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), U&'ver\200Btrag.pdf', 10, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'invalid_file_name', 'so is a zero-width space');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), '.htaccess.pdf', 10, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'invalid_file_name', 'and a leading dot');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'vertrag.pdf.exe', 10, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'document_type_mismatch', 'an executable extension does not pass as PDF');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a1'), 'foto.png', 10, 'image/jpeg', repeat('ab', 32))$$,
  'P0001', 'document_type_mismatch', 'the extension must fit the type');

select tests.act_as('staff');
select public.update_matter(tests.fixture('matter_a2'), 'A2 Mietsache', 'T-A2', null, 'closed');
select tests.act_as('client_a');
select throws_ok($$select public.create_document_upload(tests.fixture('matter_a2'), 'spaet.pdf', 10, 'application/pdf', repeat('ab', 32))$$,
  'P0001', 'matter_closed', 'a closed matter takes no uploads');

select * from finish();
rollback;
