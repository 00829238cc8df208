-- Test: list_documents answers each persona exactly the documents it may read (released ones and
-- its own uploads; staff all, with the states only staff filter by), one row per version chain,
-- and refuses matters the caller does not have and state filters that are staff-only.
begin;
select plan(14);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.list_documents()'),
  array['doc_a1_client', 'doc_a1_released', 'doc_a1_unreleased', 'doc_a2', 'doc_b1'], 'staff list every uploaded, undeleted document');
select is(tests.visible_as('client_a', 'select id from public.list_documents()'),
  array['doc_a1_client', 'doc_a1_released', 'doc_a2'], 'client A: released ones of its matters and its own');
select is(tests.visible_as('client_b', 'select id from public.list_documents()'), array['doc_b1'], 'client B only B1''s');
select is(tests.visible_as('guest', 'select id from public.list_documents()'), array['doc_a1_client', 'doc_a1_released'], 'the guest only A1''s released ones');
select is(tests.visible_as('guest', $$select id from public.list_documents(filter_matter => tests.fixture('matter_a1'))$$),
  array['doc_a1_client', 'doc_a1_released'], 'the same inside the matter');
select tests.act_as('guest');
select throws_ok($$select * from public.list_documents(filter_matter => tests.fixture('matter_a2'))$$, 'P0001', 'matter_not_found', 'the client''s other matter does not exist for the guest');
select throws_ok($$select * from public.list_documents(filter_state => 'unreleased')$$, 'P0001', 'forbidden', 'release states are for staff');
select tests.act_as('past_grace');
select throws_ok($$select * from public.list_documents()$$, 'P0001', 'mfa_required', 'the past-grace user is refused');

select is(tests.visible_as('staff', $$select id from public.list_documents(filter_state => 'unreleased')$$), array['doc_a1_unreleased'], 'staff filter unreleased');
select is(tests.visible_as('staff', $$select id from public.list_documents(filter_state => 'new')$$), array['doc_a1_client'], 'and the clients'' uploads new to the firm');
select is(tests.visible_as('staff', $$select id from public.list_documents(filter_state => 'deleted')$$), array['doc_a1_deleted'], 'and deleted ones');

-- A new released version replaces the old in the list; an unreleased one does not for clients.
update public.documents set previous_version_id = tests.fixture('doc_a1_released'), version = 2, released_at = null, released_by = null
 where id = tests.fixture('doc_a1_unreleased');
select is(tests.visible_as('client_a', $$select id from public.list_documents(filter_matter => tests.fixture('matter_a1'))$$),
  array['doc_a1_client', 'doc_a1_released'], 'an unreleased new version leaves the client with the released one');
select is(tests.visible_as('staff', $$select id from public.list_documents(filter_matter => tests.fixture('matter_a1'))$$),
  array['doc_a1_client', 'doc_a1_unreleased'], 'staff see the newest version');
select tests.act_as('staff');
select public.mark_document_seen(tests.fixture('doc_a1_client'));
select is(tests.visible_as('staff', $$select id from public.list_documents(filter_state => 'new')$$), '{}'::text[], 'marked seen, it is no longer new');

select * from finish();
rollback;
