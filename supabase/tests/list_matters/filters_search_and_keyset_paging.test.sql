-- Test: list_matters filters by client and status, searches title, reference and (staff) the
-- client's name, pages by (updated_at, id) without gaps or repeats, and refuses bad filters.
begin;
select plan(9);

select tests.create_portal_world();
-- Activity times as set here, not as the touch trigger would stamp them.
alter table public.matters disable trigger matters_touch_updated_at;
update public.matters set updated_at = now() - interval '1 hour' where id = tests.fixture('matter_a1');
update public.matters set updated_at = now() - interval '2 hours', status = 'closed' where id = tests.fixture('matter_a2');
update public.matters set updated_at = now() - interval '3 hours' where id = tests.fixture('matter_b1');
alter table public.matters enable trigger matters_touch_updated_at;

select tests.act_as('staff');
select is(array(select reference from public.list_matters() where reference like 'T-%'), array['T-A1', 'T-A2', 'T-B1'], 'newest activity first');
select is(array(select reference from public.list_matters(filter_status => 'closed', search => 'T-')), array['T-A2'], 'by status');
select is(array(select reference from public.list_matters(filter_client => tests.fixture('client_b_org'))), array['T-B1'], 'by client');
select is(array(select reference from public.list_matters(search => 'miet') where reference like 'T-%'), array['T-A2'], 'search in the title, any case');
select is(array(select reference from public.list_matters(search => 'beta')), array['T-B1'], 'staff also search the client''s name');
select is(array(select reference from public.list_matters(search => '%')), '{}'::text[], 'wildcards are taken literally');
select is(
  array(select l.reference from public.list_matters(search => 'T-', max_rows => 2) as first_page
        cross join lateral (select * from public.list_matters(search => 'T-', after_updated_at => first_page.updated_at, after_id => first_page.id, max_rows => 5)) as l
        where first_page.reference = 'T-A2'),
  array['T-B1'], 'the next page starts after the last row');
select throws_ok($$select * from public.list_matters(filter_status => 'archived')$$, 'P0001', 'invalid_status', 'an unknown status is refused');
select throws_ok($$select * from public.list_matters(max_rows => 0)$$, 'P0001', 'invalid_page_size', 'so is an empty page');

select * from finish();
rollback;
