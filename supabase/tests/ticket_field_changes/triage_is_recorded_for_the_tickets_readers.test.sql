-- Test: assignment, priority and category changes are recorded with who made them, readable by
-- whoever reads the ticket and nobody else; the table is written only by the trigger.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('staff');
update public.tickets set assignee_id = tests.fixture('staff'), priority = 'high' where id = tests.fixture('ticket_a1');
update public.tickets set category = 'billing' where id = tests.fixture('ticket_b');
select results_eq($$select field, from_value, to_value, changed_by from public.ticket_field_changes
                     where ticket_id = tests.fixture('ticket_a1') order by field$$,
  $$values ('assignee'::text, null::text, tests.fixture('staff')::text, tests.fixture('staff')),
           ('priority', 'normal', 'high', tests.fixture('staff'))$$,
  'both changes, with the staff member who made them');
select tests.act_as('guest');
select is((select count(*)::int from public.ticket_field_changes where ticket_id = tests.fixture('ticket_a1')), 2, 'the guest reads its ticket''s changes');
select is((select count(*)::int from public.ticket_field_changes where ticket_id = tests.fixture('ticket_b')), 0, 'not client B''s');
select tests.act_as('client_a');
select is((select count(*)::int from public.ticket_field_changes where ticket_id = tests.fixture('ticket_b')), 0, 'neither does client A');
select throws_ok($$insert into public.ticket_field_changes (ticket_id, field, to_value) values (tests.fixture('ticket_a'), 'priority', 'urgent')$$,
  '42501', null, 'nobody writes the history');
select tests.act_as('client_a');
update public.tickets set priority = 'urgent' where id = tests.fixture('ticket_a');
select is((select priority from public.tickets where id = tests.fixture('ticket_a')), 'normal', 'and clients cannot triage (the update reaches no row)');

select * from finish();
rollback;
