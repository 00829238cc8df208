-- Test: staff read a ticket's internal notes through read_internal_notes; every read is audited.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('lawyer');
select is((select array_agg(body) from public.read_internal_notes(tests.fixture('ticket_a1'))), array['Intern: Gutachter ist befangen'],
  'the lawyer reads the note');
select throws_ok($$select public.read_internal_notes(gen_random_uuid())$$, 'P0001', 'ticket_not_found', 'unknown tickets are reported');
select tests.clear_authentication();
select is((select count(*)::int from ops.audit_events where action = 'ticket.internal_notes_read'
             and entity_id = tests.fixture('ticket_a1')::text and actor_id = tests.fixture('lawyer')), 1, 'the read is audited with its reader');
select tests.act_as('totp_aal1');
select throws_ok($$select public.read_internal_notes(tests.fixture('ticket_a1'))$$, 'P0001', 'mfa_required',
  'an unverified session gets nothing');

select * from finish();
rollback;
