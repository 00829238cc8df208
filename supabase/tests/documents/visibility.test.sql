-- Test: the release gate and matter membership decide who sees a document: staff see all,
-- clients and guests only released, undeleted documents of their matters plus their own uploads.
begin;
select plan(9);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.documents'),
  array['doc_a1_client', 'doc_a1_deleted', 'doc_a1_pending', 'doc_a1_released', 'doc_a1_unreleased', 'doc_a2', 'doc_b1'],
  'staff see every document, unreleased and deleted ones too');
select is(tests.visible_as('client_a', 'select id from public.documents'), array['doc_a1_client', 'doc_a1_released', 'doc_a2'],
  'client A sees released documents of its matters and its own upload, not the unreleased or deleted ones');
select is(tests.visible_as('client_a2', 'select id from public.documents'), array['doc_a1_client', 'doc_a1_pending', 'doc_a1_released', 'doc_a2'],
  'client A''s second user also sees its own pending upload');
select is(tests.visible_as('guest', 'select id from public.documents'), array['doc_a1_client', 'doc_a1_released'],
  'the guest sees released documents of A1 only');
select is(tests.visible_as('client_b', 'select id from public.documents'), array['doc_b1'], 'client B sees only B1''s document');
select is(tests.visible_as('past_grace', 'select id from public.documents'), '{}'::text[], 'the past-grace user sees none');
select is(tests.visible_as('totp_aal1', 'select id from public.documents'), '{}'::text[], 'the aal1-with-factor session sees none');
select tests.act_as('client_a');
select throws_ok($$update public.documents set released_at = now() where id = tests.fixture('doc_a1_unreleased')$$, '42501', null,
  'nobody releases by writing the table');
select throws_ok($$delete from public.documents where id = tests.fixture('doc_a1_client')$$, '42501', null,
  'nobody deletes rows; deletion is soft through delete_document');

select * from finish();
rollback;
