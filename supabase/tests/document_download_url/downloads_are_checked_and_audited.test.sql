-- Test: document_download_url checks access (release gate included), writes the audit event and
-- a short download grant, and returns the path for createSignedUrl.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('guest');
select is((select path from public.document_download_url(tests.fixture('doc_a1_released'))),
  (select storage_path from public.documents where id = tests.fixture('doc_a1_released')), 'the guest gets the path of a released document');
select is((select count(*)::int from storage.objects where bucket_id = 'documents'), 1, 'and may now read exactly that object');
select throws_ok($$select public.document_download_url(tests.fixture('doc_a1_unreleased'))$$, 'P0001', 'document_not_found',
  'an unreleased document is not found for the guest');
select throws_ok($$select public.document_download_url(tests.fixture('doc_a2'))$$, 'P0001', 'document_not_found',
  'a document of another matter of the client is not found for the guest');
select tests.act_as('client_b');
select throws_ok($$select public.document_download_url(tests.fixture('doc_a1_released'))$$, 'P0001', 'document_not_found',
  'client B cannot download client A''s document');
select tests.act_as('staff');
select lives_ok($$select public.document_download_url(tests.fixture('doc_a1_unreleased'))$$, 'staff download unreleased documents');
select throws_ok($$select public.document_download_url(tests.fixture('doc_a1_pending'))$$, 'P0001', 'document_not_uploaded',
  'a pending upload has nothing to download');
select tests.clear_authentication();
select is((select array_agg(f.name order by f.name) from ops.audit_events as e join tests.fixtures as f on f.id = e.actor_id
            where e.action = 'document.downloaded'), array['guest', 'staff'], 'each download is audited with its reader');

select * from finish();
rollback;
