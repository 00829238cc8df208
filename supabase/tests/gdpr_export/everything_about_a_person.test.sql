-- Test: the export holds the guest's profile, memberships, messages, tickets, uploads with their
-- Storage path and audit events about it; it is audited and for admins only.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('lawyer');
select is((select array[(x -> 'profile' ->> 'id'), x -> 'messages' -> 0 ->> 'body', x -> 'tickets' -> 0 ->> 'subject',
                        x -> 'matter_memberships' -> 0 ->> 'role']
             from public.gdpr_export(tests.get_user_id('guest')) as x),
  array[tests.get_user_id('guest')::text, 'Gutachten folgt', 'Ticket A1', 'guest'], 'profile, message, ticket and membership');
select is((select x -> 'documents' -> 0 ->> 'storage_path' from public.gdpr_export(tests.get_user_id('client_a')) as x),
  (select storage_path from public.documents where id = tests.fixture('doc_a1_client')), 'the upload with its Storage path');
select ok(jsonb_array_length(public.gdpr_export(tests.get_user_id('guest')) -> 'audit_events') > 0, 'audit events about the person');
select throws_ok(format('select public.gdpr_export(%L)', gen_random_uuid()), 'P0001', 'user_not_found', 'unknown people are reported');
select tests.clear_authentication();
select ok(exists (select 1 from ops.audit_events where action = 'gdpr.exported' and entity_id = tests.get_user_id('guest')::text), 'audited');
select is(tests.outcomes(format('select public.gdpr_export(%L)', tests.get_user_id('guest')), array['staff', 'client_a', 'guest', 'anon']),
  array['staff: P0001 forbidden', 'client_a: P0001 forbidden', 'guest: P0001 forbidden',
        'anon: 42501 permission denied for function gdpr_export'], 'admins only');

select * from finish();
rollback;
