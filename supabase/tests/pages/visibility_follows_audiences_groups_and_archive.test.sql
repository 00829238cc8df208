-- Test: a client sees exactly its own and its groups' published pages; removing its client from a
-- group, or the audience from a page, hides the page in the same statement; archived pages and
-- drafts are staff-only; guests and the anonymous key see no page.
begin;
select plan(9);

select tests.create_portal_world();
select is(tests.visible_as('client_a', 'select id from public.pages'), array['page_a', 'page_g'], 'client A: its own page and its group''s');
select is(tests.visible_as('client_b', 'select id from public.pages'), array['page_b', 'page_h'], 'client B: its own and group H''s');

delete from public.client_group_members where client_id = tests.fixture('client_a_org') and group_id = tests.fixture('group_g');
select is(tests.visible_as('client_a', 'select id from public.pages'), array['page_a'], 'out of group G, the group page is gone at once');
select is(tests.visible_as('client_a2', 'select id from public.pages'), array['page_a'], 'for its second user too');
insert into public.client_group_members (group_id, client_id) values (tests.fixture('group_g'), tests.fixture('client_a_org'));

delete from public.page_audiences where id = tests.fixture('audience_page_a');
select is(tests.visible_as('client_a', 'select id from public.pages'), array['page_g'], 'without its audience row page A is gone');

update public.pages set archived_at = now() where id = tests.fixture('page_g');
select is(tests.visible_as('client_a', 'select id from public.pages'), '{}'::text[], 'an archived page is gone for the client');
select is(tests.visible_as('staff', 'select id from public.pages where archived_at is not null'), array['page_g'], 'staff still see it');

select is(tests.visible_as('guest', 'select id from public.pages'), '{}'::text[], 'the guest sees no page');
select tests.authenticate_as_anon();
select throws_ok('select id from public.pages', '42501', null, 'the anonymous key may not read pages');

select * from finish();
rollback;
