-- Test: staff save a page with its audiences in one call; a retry under the same id changes
-- nothing; a new set of audiences replaces the old; bad input gets its code; nobody else may save.
begin;
select plan(14);

select tests.create_portal_world();
select tests.act_as('staff');
select lives_ok(format($$select public.save_page('11111111-1111-4111-8111-111111111111', '  Baustellen-Info ', 'Text', false,
                        array[%L]::uuid[], array[%L]::uuid[])$$, tests.fixture('client_a_org'), tests.fixture('group_h')),
  'staff create a page with a client and a group');
select is((select title from public.pages where id = '11111111-1111-4111-8111-111111111111'), 'Baustellen-Info', 'the title is trimmed');
select matches((select slug from public.pages where id = '11111111-1111-4111-8111-111111111111'), '^baustellen-info-11111111$',
  'the slug comes from the title and the id');
select is((select count(*)::int from public.page_audiences where page_id = '11111111-1111-4111-8111-111111111111'), 2, 'two audience rows');
select is((select count(*)::int from public.page_revisions where page_id = '11111111-1111-4111-8111-111111111111'), 3,
  'history: created and two audiences added');
select lives_ok(format($$select public.save_page('11111111-1111-4111-8111-111111111111', 'Baustellen-Info', 'Text', false,
                        array[%L]::uuid[], array[%L]::uuid[])$$, tests.fixture('client_a_org'), tests.fixture('group_h')),
  'a retry of the same save works');
select is((select count(*)::int from public.page_revisions where page_id = '11111111-1111-4111-8111-111111111111'), 3,
  'and records nothing new');
select lives_ok(format($$select public.save_page('11111111-1111-4111-8111-111111111111', 'Neuer Titel', 'Text', true,
                        '{}'::uuid[], array[%L]::uuid[])$$, tests.fixture('group_g')), 'a new audience set');
select is((select array_agg(coalesce(client_id, group_id)) from public.page_audiences where page_id = '11111111-1111-4111-8111-111111111111'),
  array[tests.fixture('group_g')], 'replaces the old one');
select matches((select slug from public.pages where id = '11111111-1111-4111-8111-111111111111'), '^baustellen-info-',
  'renaming keeps the slug, so links keep working');

select throws_ok($$select public.save_page(gen_random_uuid(), '   ', '', false)$$, 'P0001', 'title_required', 'an empty title');
select throws_ok($$select public.save_page(gen_random_uuid(), 'x', '', false, array[gen_random_uuid()])$$, 'P0001', 'audience_not_found',
  'an unknown client');
select throws_ok(format($$select public.save_page(%L, 'Page for A', '# A', false, '{}', '{}')$$, tests.fixture('page_a')), 'P0001',
  'audience_required', 'a published page cannot lose all its audiences');

select tests.act_as('client_a');
select throws_ok($$select public.save_page(gen_random_uuid(), 'Meins', '', false)$$, 'P0001', 'forbidden', 'a client may not save pages');

select * from finish();
rollback;
