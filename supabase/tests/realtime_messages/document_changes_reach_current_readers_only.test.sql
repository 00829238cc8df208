-- Test: a document's changes are announced, content-free, on the user topics of those who may
-- read it at that moment: a released document reaches the client and the guest, an unreleased
-- one only staff and the uploader, and a removed guest hears nothing more.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
select public.file_documents(array[tests.fixture('doc_a1_unreleased')], 'Entwürfe');
select tests.clear_authentication();
select ok((select bool_and(exists (select 1 from public.staff where user_id = substr(topic, 6)::uuid))
             and bool_or(topic = 'user:' || tests.fixture('staff'))
             from realtime.messages where event = 'document_changed' and payload ->> 'document_id' = tests.fixture('doc_a1_unreleased')::text),
  'an unreleased document''s change reaches staff only');
select is((select payload - 'id' - 'document_id' - 'matter_id' from realtime.messages where event = 'document_changed' limit 1), '{"kind": "filed"}'::jsonb,
  'the payload says only what kind of change');

select tests.act_as('client_a');
select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('guest'));
select tests.act_as('staff');
select public.release_documents(array[tests.fixture('doc_a1_unreleased')]);
select tests.clear_authentication();
select ok(exists (select 1 from realtime.messages where event = 'document_changed' and topic = 'user:' || tests.fixture('client_a2')
                     and payload ->> 'kind' = 'released'), 'the release reaches the client''s users');
select ok(not exists (select 1 from realtime.messages where event = 'document_changed' and topic = 'user:' || tests.fixture('guest')
                         and payload ->> 'kind' = 'released'), 'but not the guest removed a moment ago');
select ok(not exists (select 1 from realtime.messages where event = 'document_changed' and topic = 'user:' || tests.fixture('client_b')),
  'and never another client');

select * from finish();
rollback;
