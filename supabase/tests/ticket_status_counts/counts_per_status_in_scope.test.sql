-- Test: counts per status cover exactly the caller's tickets and follow the queue's filters.
begin;
select plan(5);

select tests.create_portal_world();
update public.tickets set status = 'pending', assignee_id = tests.fixture('staff') where id = tests.fixture('ticket_a2');
update public.tickets set status = 'closed' where id = tests.fixture('ticket_b');

select tests.act_as('client_a');
select is(public.ticket_status_counts(), '{"open": 2, "pending": 1, "resolved": 0, "closed": 0}'::jsonb, 'client A: its three tickets');
select tests.act_as('guest');
select is(public.ticket_status_counts(), '{"open": 1, "pending": 0, "resolved": 0, "closed": 0}'::jsonb, 'the guest: its matter''s one');
select tests.act_as('client_b');
select is(public.ticket_status_counts(), '{"open": 0, "pending": 0, "resolved": 0, "closed": 1}'::jsonb, 'client B: its closed one');
select tests.act_as('staff');
select is(public.ticket_status_counts(filter_assignee => tests.fixture('staff')), '{"open": 0, "pending": 1, "resolved": 0, "closed": 0}'::jsonb,
  'staff: the filters apply (mine)');
select is(public.ticket_status_counts(filter_client => tests.fixture('client_a_org'), search => 'Ticket'),
  '{"open": 2, "pending": 1, "resolved": 0, "closed": 0}'::jsonb, 'client and search filters too');

select * from finish();
rollback;
