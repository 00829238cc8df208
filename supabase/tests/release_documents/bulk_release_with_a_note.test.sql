-- Test: staff release several documents at once with a note; the client and guest then see them
-- and are notified; a retry releases nothing twice; clients and guests cannot release; deleted or
-- unknown documents stop the whole release.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$select public.release_documents(array[tests.fixture('doc_a1_unreleased')])$$, 'P0001', 'forbidden', 'a client user cannot release');
select tests.act_as('guest');
select throws_ok($$select public.release_documents(array[tests.fixture('doc_a1_unreleased')])$$, 'P0001', 'forbidden', 'nor a guest');

select tests.act_as('staff');
select throws_ok($$select public.release_documents(array[tests.fixture('doc_a1_unreleased'), tests.fixture('doc_a1_deleted')])$$, 'P0001', 'document_deleted',
  'a deleted document stops the release');
select throws_ok($$select public.release_documents(array[tests.fixture('doc_a1_unreleased'), gen_random_uuid()])$$, 'P0001', 'document_not_found',
  'so does an unknown one');
select is(public.release_documents(array[tests.fixture('doc_a1_unreleased'), tests.fixture('doc_a1_released')], '  Bitte bis Freitag prüfen  '), 1,
  'the unreleased one is released, the released one left alone');
select is(public.release_documents(array[tests.fixture('doc_a1_unreleased')]), 0, 'a retry releases nothing twice');
select tests.clear_authentication();
select is((select release_note from public.documents where id = tests.fixture('doc_a1_unreleased')), 'Bitte bis Freitag prüfen', 'the note is kept, trimmed');
select ok('doc_a1_unreleased' = any (tests.visible_as('guest', 'select id from public.documents')), 'the guest now sees it');
select ok(exists (select 1 from public.notifications where user_id = tests.fixture('guest') and kind = 'document.released'
                     and entity_id = tests.fixture('doc_a1_unreleased')), 'and is notified');

select * from finish();
rollback;
