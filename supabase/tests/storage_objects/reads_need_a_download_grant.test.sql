-- Test: without going through document_download_url (and its audit event) nobody reads an
-- document's object, and grants expire. Documents only: page files follow their pages (a database
-- the journeys ran on holds some).
begin;
select plan(4);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select (string_to_array(name, ''/''))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), '{}'::text[],
  'even staff read no object without a download grant');
select is(tests.visible_as('client_a', 'select (string_to_array(name, ''/''))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), '{}'::text[],
  'neither does a client');
select tests.act_as('client_a');
select public.document_download_url(tests.fixture('doc_a2'));
select is((select array_agg(name) from storage.objects where bucket_id = 'documents'), array[(select storage_path from public.documents where id = tests.fixture('doc_a2'))],
  'after the RPC the client reads that one object');
select tests.clear_authentication();
update private.download_grants set expires_at = now() - interval '1 second';
select is(tests.visible_as('client_a', 'select (string_to_array(name, ''/''))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), '{}'::text[],
  'an expired grant opens nothing');

select * from finish();
rollback;
