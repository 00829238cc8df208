-- Test: a client user sees published pages addressed to its client or one of its groups; drafts
-- and other clients' pages stay hidden; guests see no pages.
begin;
select plan(8);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.pages'), array['page_a', 'page_b', 'page_draft', 'page_g', 'page_h'],
  'staff see every page, drafts included');
select is(tests.visible_as('client_a', 'select id from public.pages'), array['page_a', 'page_g'],
  'client A sees its own page and its group''s page, not the draft');
select is(tests.visible_as('client_a2', 'select id from public.pages'), array['page_a', 'page_g'], 'so does its second user');
select is(tests.visible_as('client_b', 'select id from public.pages'), array['page_b', 'page_h'], 'client B sees its pages');
select is(tests.visible_as('guest', 'select id from public.pages'), '{}'::text[], 'the guest sees no page');
select is(tests.visible_as('past_grace', 'select id from public.pages'), '{}'::text[], 'the past-grace user sees none');

select tests.act_as('staff');
update public.pages set published = true where id = tests.fixture('page_draft');
select is(tests.visible_as('client_a', 'select id from public.pages'), array['page_a', 'page_draft', 'page_g'],
  'publishing the draft shows it to client A');
select tests.act_as('staff');
delete from public.page_audiences where page_id = tests.fixture('page_g');
select is(tests.visible_as('client_a', 'select id from public.pages'), array['page_a', 'page_draft'],
  'removing the group audience hides the group page');

select * from finish();
rollback;
