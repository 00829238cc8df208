-- Test: staff create a client under the id the app chose (a retry changes nothing), edit it,
-- and keep notes only staff read; the change is audited.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('staff');
select is(public.save_client('5a0e0c6e-1111-4222-8333-444455556666', 'company', ' Gamma KG ', 'T-G', 'Info@Gamma.example',
                             '+49 40 1234', 'Hafenstraße 1, Hamburg', 'Zahlt spät'),
  '5a0e0c6e-1111-4222-8333-444455556666'::uuid, 'created under the given id');
select lives_ok($$select public.save_client('5a0e0c6e-1111-4222-8333-444455556666', 'company', 'Gamma KG', 'T-G',
                                            'info@gamma.example', '+49 40 1234', 'Hafenstraße 1, Hamburg', 'Zahlt spät')$$,
  'the same request again is harmless');
select is((select count(*)::int from public.clients where reference_number = 'T-G'), 1, 'one client');
select is((select name || ' ' || email from public.clients where reference_number = 'T-G'), 'Gamma KG info@gamma.example',
  'name trimmed, address lower-cased');
select public.save_client('5a0e0c6e-1111-4222-8333-444455556666', 'company', 'Gamma KG & Co.', 'T-G', null, null, null, null);
select is((select name from public.clients where reference_number = 'T-G'), 'Gamma KG & Co.', 'edited');
select is((select count(*)::int from public.client_staff_notes where client_id = '5a0e0c6e-1111-4222-8333-444455556666'), 0,
  'empty notes remove the note');
select tests.clear_authentication();
select is((select array_agg(action order by id) from ops.audit_events where entity_id = '5a0e0c6e-1111-4222-8333-444455556666'),
  array['client.created', 'client.updated', 'client.updated'], 'each save is audited');

select * from finish();
rollback;
