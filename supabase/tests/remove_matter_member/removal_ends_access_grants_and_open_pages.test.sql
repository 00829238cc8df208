-- Test: a client user removes the guest (not involved staff); the guest's download grants for the
-- matter go in the same statement and its user topic hears matter_access_ended; other clients'
-- users and the guest itself cannot remove others; staff add and remove colleagues.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('guest');
select ok((select count(*) from public.document_download_url(tests.fixture('doc_a1_released'))) = 1, 'the guest asks for a download');

select tests.act_as('client_b');
select throws_ok($$select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('guest'))$$, 'P0001', 'matter_not_found',
  'another client''s user does not even find the matter');
select tests.act_as('guest');
select throws_ok($$select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('staff'))$$, 'P0001', 'forbidden', 'the guest removes nobody else');
select tests.act_as('client_a2');
select throws_ok($$select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('staff'))$$, 'P0001', 'forbidden', 'a client user cannot remove involved staff');
select lives_ok($$select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('guest'))$$, 'but removes the guest');
select throws_ok($$select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('guest'))$$, 'P0001', 'member_not_found', 'once');

select tests.clear_authentication();
select is((select count(*)::int from private.download_grants where user_id = tests.fixture('guest')), 0, 'its download grants are gone at once');
select ok(exists (select 1 from realtime.messages where topic = 'user:' || tests.fixture('guest') and event = 'matter_access_ended'
                     and payload ->> 'matter_id' = tests.fixture('matter_a1')::text), 'its open pages are told');
select is(tests.visible_as('guest', 'select id from public.documents'), '{}'::text[], 'it reads no document of the matter');

select tests.act_as('staff');
select lives_ok($$select public.add_matter_staff(tests.fixture('matter_b1'), tests.fixture('lawyer'))$$, 'staff add a colleague');
select throws_ok($$select public.add_matter_staff(tests.fixture('matter_b1'), tests.fixture('client_b'))$$, 'P0001', 'member_not_staff', 'only staff as staff');
select lives_ok($$select public.remove_matter_member(tests.fixture('matter_a1'), tests.fixture('client_a'))$$, 'staff remove anyone');

select * from finish();
rollback;
