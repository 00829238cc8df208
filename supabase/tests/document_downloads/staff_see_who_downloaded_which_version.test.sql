-- Test: every download is audited per version; staff see who downloaded which version when;
-- clients and guests cannot read that list.
begin;
select plan(4);

select tests.create_portal_world();
update public.documents set previous_version_id = tests.fixture('doc_a1_client'), version = 2 where id = tests.fixture('doc_a1_released');
select tests.act_as('guest');
select count(*) from public.document_download_url(tests.fixture('doc_a1_client'));
select count(*) from public.document_download_url(tests.fixture('doc_a1_released'));
select tests.act_as('client_a');
select count(*) from public.document_download_url(tests.fixture('doc_a1_released'));

select tests.act_as('staff');
select is((select array_agg(display_name || ' v' || version order by display_name, version) from public.document_downloads(tests.fixture('doc_a1_released'))),
  array['Anton Alpha v2', 'Gustav Guest v1', 'Gustav Guest v2'], 'staff see each download with its version');
select tests.act_as('client_a');
select throws_ok($$select * from public.document_downloads(tests.fixture('doc_a1_released'))$$, 'P0001', 'forbidden', 'a client user cannot');
select tests.act_as('guest');
select throws_ok($$select * from public.document_downloads(tests.fixture('doc_a1_released'))$$, 'P0001', 'forbidden', 'nor can the guest');
select is((select array_agg(version order by version) from public.document_versions(tests.fixture('doc_a1_released'))), array[1, 2],
  'the guest lists both versions to download');

select * from finish();
rollback;
