-- Test: objects in the documents bucket are immutable for signed-in users (no update, upsert,
-- move or delete), whatever their rights on the document. (Staff may delete a page's files,
-- bucket page-files: page_files_follow_the_page_audiences.)
begin;
select plan(4);

select tests.create_portal_world();
insert into private.download_grants (user_id, document_id, expires_at)
values (tests.fixture('staff'), tests.fixture('doc_a1_released'), now() + interval '1 minute'),
       (tests.fixture('client_a'), tests.fixture('doc_a1_client'), now() + interval '1 minute');
select set_config('storage.allow_delete_query', 'true', true);

select tests.act_as('staff');
select results_eq($$with changed as (update storage.objects set name = name || '.moved' returning 1) select count(*)::int from changed$$,
  array[0], 'staff cannot move or overwrite an object');
select results_eq($$with gone as (delete from storage.objects where bucket_id <> 'page-files' returning 1) select count(*)::int from gone$$,
  array[0], 'staff cannot delete an object (documents are soft-deleted, the service role purges)');
select tests.act_as('client_a');
select results_eq($$with changed as (update storage.objects set metadata = '{}' returning 1) select count(*)::int from changed$$,
  array[0], 'the uploader cannot overwrite its own object');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('documents', (select storage_path from public.documents where id = tests.fixture('doc_a1_client')))$$,
  '42501', null, 'nor upload a second object at a completed document''s path');

select * from finish();
rollback;
