-- Test: an attachment upload's content check is announced to its uploader only (its form waits for
-- it), and an attachment's other changes announce nothing on user topics.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('client_a');
create temporary table upload on commit drop as
  select * from public.create_document_upload(null, 'Mängelliste.pdf', 2048, 'application/pdf', repeat('cd', 32));
grant select on upload to authenticated;
select tests.store_object((select path from upload), 2048);
select public.complete_document_upload((select document_id from upload));
select tests.clear_authentication();
select tests.pass_content_check((select document_id from upload), 'pdf');

select is((select array_agg(topic) from realtime.messages where event = 'document_changed'
             and payload ->> 'document_id' = (select document_id from upload)::text),
  array['user:' || tests.fixture('client_a')], 'the check reaches the uploader, nobody else');
select is((select payload - 'id' - 'document_id' - 'matter_id' from realtime.messages where event = 'document_changed'
             and payload ->> 'document_id' = (select document_id from upload)::text),
  '{"kind": "checked"}'::jsonb, 'content-free: only what kind of change');

select tests.act_as('client_a');
select public.delete_document((select document_id from upload));
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where event = 'document_changed'
             and payload ->> 'document_id' = (select document_id from upload)::text), 1,
  'deleting the unattached upload announces nothing more');

select * from finish();
rollback;
