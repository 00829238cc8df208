-- Test: an audience row names exactly one client or one group; client users see only the rows
-- that name them, never which other clients a page addresses.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$insert into public.page_audiences (page_id, client_id, group_id) values (tests.fixture('page_b'), tests.fixture('client_a_org'), tests.fixture('group_g'))$$,
  '23514', null, 'a row cannot name a client and a group');
select throws_ok($$insert into public.page_audiences (page_id) values (tests.fixture('page_b'))$$, '23514', null, 'a row must name something');
insert into public.page_audiences (page_id, client_id) values (tests.fixture('page_a'), tests.fixture('client_b_org'));
select is(tests.visible_as('client_a', 'select id from public.page_audiences'), array['audience_page_a', 'audience_page_g'],
  'client A sees only the rows naming it or its group');
select is(tests.visible_as('client_b', 'select page_id as id from public.page_audiences'), array['page_a', 'page_b', 'page_h'],
  'client B sees that page A is for it too, but not the row naming client A');
select tests.act_as('client_a');
select throws_ok($$insert into public.page_audiences (page_id, client_id) values (tests.fixture('page_b'), tests.fixture('client_a_org'))$$,
  '42501', null, 'clients cannot add themselves to an audience');

select * from finish();
rollback;
