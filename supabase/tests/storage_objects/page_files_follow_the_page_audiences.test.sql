-- Test: files of a page (bucket page-files) are read by exactly those who may see the page, and
-- by staff; leaving the page's group hides them at once; drafts' files only for staff; only staff
-- upload, and only under an existing page; only staff delete them; nobody overwrites them; no HTML or SVG.
begin;
select plan(14);

select ok((select not public and not (allowed_mime_types && array['text/html', 'image/svg+xml', 'application/javascript'])
             from storage.buckets where id = 'page-files'), 'the bucket is private and takes no HTML, SVG or scripts');
select tests.create_portal_world();
select set_config('storage.allow_delete_query', 'true', true);
-- Only this test's files (a database the journeys ran on holds others; rolled back at the end).
delete from storage.objects where bucket_id = 'page-files';
insert into storage.objects (bucket_id, name) values
  ('page-files', tests.fixture('page_a') || '/plan.png'),
  ('page-files', tests.fixture('page_g') || '/rundschreiben.pdf'),
  ('page-files', tests.fixture('page_draft') || '/entwurf.pdf'),
  ('page-files', 'not-a-page/readme.txt');
create temporary view page_files with (security_invoker = true) as
  select split_part(o.name, '/', 2) as file from storage.objects as o where o.bucket_id = 'page-files';
grant select on page_files to authenticated;

select tests.act_as('client_a');
select is(array(select file from page_files order by 1), array['plan.png', 'rundschreiben.pdf'], 'client A reads the files of its own and its group''s page');
select tests.clear_authentication();
select tests.act_as('client_b');
select is(array(select file from page_files order by 1), '{}'::text[], 'client B reads none of them');
select tests.clear_authentication();
select tests.act_as('guest');
select is(array(select file from page_files order by 1), '{}'::text[], 'the guest reads none');
select tests.clear_authentication();
select tests.act_as('staff');
select is(array(select file from page_files order by 1), array['entwurf.pdf', 'plan.png', 'readme.txt', 'rundschreiben.pdf'], 'staff read all');

select lives_ok(format($$insert into storage.objects (bucket_id, name) values ('page-files', %L)$$, tests.fixture('page_a') || '/lageplan.jpg'),
  'staff upload a file of a page');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('page-files', '11111111-2222-4333-8444-555555555555/x.png')$$,
  '42501', null, 'but not for a page that does not exist');
select tests.clear_authentication();

delete from public.client_group_members where group_id = tests.fixture('group_g') and client_id = tests.fixture('client_a_org');
select tests.act_as('client_a');
select is(array(select file from page_files order by 1), array['lageplan.jpg', 'plan.png'], 'out of group G, its page''s files are gone at once');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('page-files', %L)$$, tests.fixture('page_a') || '/mine.png'),
  '42501', null, 'a client cannot upload to a page');
select results_eq($$with changed as (update storage.objects set metadata = '{}' where bucket_id = 'page-files' returning 1) select count(*)::int from changed$$,
  array[0], 'nor overwrite a file');
select results_eq($$with gone as (delete from storage.objects where bucket_id = 'page-files' returning 1) select count(*)::int from gone$$,
  array[0], 'nor delete one, not even of its own page');
select tests.clear_authentication();
select tests.act_as('guest');
select results_eq($$with gone as (delete from storage.objects where bucket_id = 'page-files' returning 1) select count(*)::int from gone$$,
  array[0], 'the guest deletes none');
select tests.clear_authentication();
select tests.authenticate_as('staff', 'aal1');
select results_eq($$with gone as (delete from storage.objects where bucket_id = 'page-files' returning 1) select count(*)::int from gone$$,
  array[0], 'staff without the second factor delete none');
select tests.clear_authentication();
select tests.act_as('staff');
select results_eq(format($$with gone as (delete from storage.objects where bucket_id = 'page-files' and name = %L returning 1) select count(*)::int from gone$$,
                         tests.fixture('page_a') || '/plan.png'),
  array[1], 'staff delete a file of a page');

select * from finish();
rollback;
