-- Test: "Vorschau als Mandant X" shows a page exactly as X would see it once published, read
-- through X's RLS (only X's audience rows), and leaves nothing behind: the draft stays a draft,
-- nobody is notified, no session remains. Only staff may preview, and only as a client user.
begin;
select plan(10);

select tests.create_portal_world();
insert into public.page_audiences (page_id, group_id) values (tests.fixture('page_draft'), tests.fixture('group_h'));
select tests.act_as('staff');
select is((public.preview_page_as(tests.fixture('page_draft'), tests.get_user_id('client_a')) ->> 'visible')::boolean, true,
  'client A would see the draft');
select is(public.preview_page_as(tests.fixture('page_draft'), tests.get_user_id('client_a')) -> 'page' -> 'audiences',
  jsonb_build_array(jsonb_build_object('kind', 'client', 'id', tests.fixture('client_a_org'), 'name', 'Alpha Bau GmbH')),
  'seeing only its own audience row, not group H');
select is(jsonb_array_length(public.preview_page_as(tests.fixture('page_draft'), tests.get_user_id('client_a')) -> 'page' -> 'appointments'), 1,
  'and the page''s appointment');
select is(public.preview_page_as(tests.fixture('page_draft'), tests.get_user_id('client_b')) -> 'page' -> 'audiences' -> 0 ->> 'name',
  'Test group H', 'client B would see it through group H');
select is(public.preview_page_as(tests.fixture('page_a'), tests.get_user_id('client_b')), '{"visible": false}'::jsonb,
  'client B would not see page A');
select tests.clear_authentication();
select is((select published from public.pages where id = tests.fixture('page_draft')), false, 'the draft stays a draft');
select is((select count(*)::int from public.notifications where entity_id = tests.fixture('page_draft')), 0, 'nobody was notified');
select is((select count(*)::int from auth.sessions where user_id = tests.get_user_id('client_a')), 0, 'no session of client A remains');
select tests.act_as('staff');
select throws_ok(format('select public.preview_page_as(%L, %L)', tests.fixture('page_a'), tests.get_user_id('lawyer')), 'P0001',
  'preview_user_not_client', 'a preview is for a client user');
select tests.clear_authentication();
select tests.act_as('client_a');
select throws_ok(format('select public.preview_page_as(%L, %L)', tests.fixture('page_b'), tests.get_user_id('client_b')), 'P0001',
  'forbidden', 'a client may not preview as another');

select * from finish();
rollback;
