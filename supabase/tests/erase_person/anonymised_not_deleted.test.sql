-- Test: erasing the guest removes its sign-in and profile; its message and ticket stay without a
-- name, its upload stays marked as retained, the audit events stay and the chain still verifies.
begin;
select plan(8);

select tests.create_portal_world();
update public.documents set uploaded_by = tests.get_user_id('guest') where id = tests.fixture('doc_a1_client');
select tests.act_as('lawyer');
select is(public.gdpr_erasure_preview(tests.get_user_id('guest')) -> 'kept' ->> 'documents', '1', 'the preview names the retained upload');
select is(public.erase_person(tests.get_user_id('guest'), (select display_name from public.profiles where id = tests.get_user_id('guest'))) -> 'kept' ->> 'messages',
  '1', 'erased; one message kept');
select tests.clear_authentication();
select ok(not exists (select 1 from auth.users where id = tests.fixture('guest'))
          and not exists (select 1 from public.profiles where id = tests.fixture('guest')), 'sign-in and profile are gone');
select is((select author_id from public.messages where id = tests.fixture('msg_a1')), null, 'the message stays without its author');
select is((select created_by from public.tickets where id = tests.fixture('ticket_a1')), null, 'so does the ticket');
select ok((select retained_after_erasure_at is not null and uploaded_by is null from public.documents where id = tests.fixture('doc_a1_client')),
  'the upload is kept and marked');
select ok(exists (select 1 from ops.audit_events where action = 'gdpr.erased' and entity_id = tests.fixture('guest')::text), 'audited');
select tests.act_as('lawyer');
select is(public.verify_audit_chain() ->> 'intact', 'true', 'the audit log is untouched');

select * from finish();
rollback;
