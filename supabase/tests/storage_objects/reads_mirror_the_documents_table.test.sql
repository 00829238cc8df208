-- Test: with a download grant in hand, each persona reads exactly the objects of the documents it
-- may see — the same matrix as the documents table (membership, release gate, deletion, 2FA).
begin;
select plan(8);

select tests.create_portal_world();
insert into private.download_grants (user_id, document_id, expires_at)
select p.id, d.id, now() + interval '1 minute'
  from tests.fixtures as p cross join public.documents as d
 where p.name in ('lawyer', 'staff', 'client_a', 'client_a2', 'client_b', 'guest', 'past_grace', 'totp_aal1')
   and d.id in (select id from tests.fixtures);

-- The document id is the path's second folder.
select is(tests.visible_as('staff', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''),
  array['doc_a1_client', 'doc_a1_released', 'doc_a1_unreleased', 'doc_a2', 'doc_b1'], 'staff read every undeleted object');
select is(tests.visible_as('client_a', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), array['doc_a1_client', 'doc_a1_released', 'doc_a2'],
  'client A reads released objects of its matters only');
select is(tests.visible_as('client_a2', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), array['doc_a1_client', 'doc_a1_released', 'doc_a2'],
  'so does its second user');
select is(tests.visible_as('guest', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), array['doc_a1_client', 'doc_a1_released'], 'the guest reads A1''s only');
select is(tests.visible_as('client_b', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), array['doc_b1'], 'client B reads B1''s only');
select is(tests.visible_as('past_grace', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), '{}'::text[], 'the past-grace user reads nothing');
select is(tests.visible_as('totp_aal1', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), '{}'::text[], 'the aal1-with-factor session reads nothing');
select is(tests.visible_as('anon', 'select (storage.foldername(name))[2]::uuid as id from storage.objects where bucket_id = ''documents'''), '{}'::text[], 'anon reads nothing');

select * from finish();
rollback;
