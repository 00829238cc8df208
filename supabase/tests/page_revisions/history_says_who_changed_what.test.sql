-- Test: a page's history records who changed what and when (with the replaced title and body);
-- staff read it, clients never.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('staff');
update public.pages set title = 'Page for A (neu)', body = '# A2' where id = tests.fixture('page_a');
select public.set_page_published(tests.fixture('page_a'), false);
select is(array(select action from public.page_revisions where page_id = tests.fixture('page_a') order by id),
  array['created', 'published', 'audience_added', 'edited', 'unpublished'], 'every step is recorded');
select is((select details from public.page_revisions where page_id = tests.fixture('page_a') and action = 'edited'),
  '{"fields": ["title", "body"], "previous_body": "# A", "previous_title": "Page for A"}'::jsonb, 'an edit keeps what it replaced');
select is((select changed_by from public.page_revisions where page_id = tests.fixture('page_a') and action = 'unpublished'),
  tests.get_user_id('staff'), 'and who did it');
select is(tests.visible_as('client_a', 'select page_id as id from public.page_revisions'), '{}'::text[], 'clients see no history');

select * from finish();
rollback;
