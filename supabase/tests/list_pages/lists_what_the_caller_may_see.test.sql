-- Test: list_pages gives each caller its pages as it may see them: a client its own ("client")
-- and its groups' pages (the group's name), unread until opened and again after a change; staff
-- filter by status; keyset paging returns each page once.
begin;
select plan(11);

select tests.create_portal_world();
select tests.act_as('client_a');
select is(array(select title from public.list_pages() order by title), array['Page for A', 'Page for G'], 'client A lists its two pages');
select is((select audiences from public.list_pages() where title = 'Page for A'),
  jsonb_build_array(jsonb_build_object('kind', 'client', 'id', tests.fixture('client_a_org'), 'name', 'Alpha Bau GmbH')),
  'its own page is marked as its client''s');
select is((select audiences -> 0 ->> 'name' from public.list_pages() where title = 'Page for G'), 'Test group G', 'the group page names the group');
select is(array(select unread from public.list_pages() order by title), array[true, true], 'both are new');
select public.mark_page_read(tests.fixture('page_a'));
select is(array(select unread from public.list_pages() order by title), array[false, true], 'opened, page A is no longer new');
select tests.act_as('client_a2');
select is((select unread from public.list_pages() where title = 'Page for A'), true, 'read state is per person');

-- One transaction has one now(): the read mark is moved before the change as it would be in time.
select tests.clear_authentication();
update public.page_reads set read_at = read_at - interval '1 minute' where page_id = tests.fixture('page_a');
select tests.act_as('staff');
update public.pages set body = '# A, neu' where id = tests.fixture('page_a');
select tests.act_as('client_a');
select is((select unread from public.list_pages() where title = 'Page for A'), true, 'a changed page is new again');

select tests.clear_authentication();
select tests.act_as('staff');
-- The seed's demo pages are listed too: the checks look at this test's pages, or at all of them.
select is(array(select title from public.list_pages('draft') where id in (select id from tests.fixtures)), array['Draft for A'],
  'staff filter drafts');
select is((select count(*)::int from public.list_pages('published', 'page for') where id in (select id from tests.fixtures)), 4,
  'and published pages by title');
select is(
  (with first as (select * from public.list_pages(max_count => 2)),
        last as (select * from first order by pinned, listed_at, id limit 1),
        both_pages as (select id from first
                       union all
                       select p.id from last, public.list_pages(null, null, last.pinned, last.listed_at, last.id, 100) as p)
   select array[count(*), count(distinct id)]::int[] from both_pages),
  (select array[count(*), count(*)]::int[] from public.list_pages(max_count => 100)),
  'the second page continues after the first: every page, none twice');
select throws_ok($$select * from public.list_pages('secret')$$, 'P0001', 'invalid_status', 'an unknown status');

select * from finish();
rollback;
