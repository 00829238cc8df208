-- Test: staff set priority, category and assignee (staff only); clients change nothing directly,
-- and nobody writes the status column outside set_ticket_status.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select results_eq($$with changed as (update public.tickets set priority = 'urgent' where id = tests.fixture('ticket_a') returning 1)
                   select count(*)::int from changed$$, array[0], 'a client cannot change the priority');
select throws_ok($$insert into public.tickets (subject, client_id) values ('x', tests.fixture('client_a_org'))$$, '42501', null,
  'tickets are opened through open_ticket only');
select tests.act_as('staff');
select lives_ok($$update public.tickets set priority = 'high', category = 'documents', assignee_id = auth.uid() where id = tests.fixture('ticket_a')$$,
  'staff triage a ticket');
select throws_ok($$update public.tickets set assignee_id = tests.fixture('client_a') where id = tests.fixture('ticket_a')$$, 'P0001', 'assignee_not_staff',
  'only staff can be assignees');
select throws_ok($$update public.tickets set status = 'closed' where id = tests.fixture('ticket_a')$$, '42501', null,
  'the status column is written only by set_ticket_status');
select throws_ok($$delete from public.tickets where id = tests.fixture('ticket_a')$$, '42501', null, 'tickets are not deleted');

select * from finish();
rollback;
