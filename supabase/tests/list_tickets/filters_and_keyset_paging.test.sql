-- Test: the staff queue's filters (status, assignee incl. mine and unassigned, client, matter,
-- category, priority), newest activity first or longest waiting first, paged by keyset without
-- gaps or repeats; bad filters are named.
begin;
select plan(13);

select tests.create_portal_world();
update public.tickets set category = 'billing' where id = tests.fixture('ticket_a2');
update public.tickets set priority = 'urgent' where id = tests.fixture('ticket_a1');
update public.tickets set assignee_id = tests.fixture('staff') where id = tests.fixture('ticket_a');
update public.tickets set status = 'pending' where id = tests.fixture('ticket_b');
-- Distinct activity times, oldest first: B, A2, A1, A; later than the demo data's tickets, which
-- the list shows staff too (fixtures() below keeps only the world's).
update public.tickets set last_activity_at = now() + interval '1 hour' where id = tests.fixture('ticket_b');
update public.tickets set last_activity_at = now() + interval '2 hours' where id = tests.fixture('ticket_a2');
update public.tickets set last_activity_at = now() + interval '3 hours' where id = tests.fixture('ticket_a1');
update public.tickets set last_activity_at = now() + interval '4 hours' where id = tests.fixture('ticket_a');
create temporary view world as select id from tests.fixtures;
grant select on world to authenticated;

select tests.act_as('staff');
select results_eq('select l.id from public.list_tickets() as l where l.id in (select id from world)',
  array[tests.fixture('ticket_a'), tests.fixture('ticket_a1'), tests.fixture('ticket_a2'), tests.fixture('ticket_b')], 'newest activity first');
select results_eq('select l.id from public.list_tickets(oldest_first => true) as l where l.id in (select id from world)',
  array[tests.fixture('ticket_b'), tests.fixture('ticket_a2'), tests.fixture('ticket_a1'), tests.fixture('ticket_a')], 'or longest waiting first');
select results_eq($$select l.id from public.list_tickets(filter_statuses => array['pending']) as l where l.id in (select id from world)$$, array[tests.fixture('ticket_b')], 'by status');
select results_eq(format('select id from public.list_tickets(filter_assignee => %L)', tests.fixture('staff')), array[tests.fixture('ticket_a')], 'mine');
select results_eq('select l.id from public.list_tickets(filter_unassigned => true, filter_statuses => array[''open'']) as l where l.id in (select id from world)',
  array[tests.fixture('ticket_a1'), tests.fixture('ticket_a2')], 'open and unassigned');
select results_eq(format('select id from public.list_tickets(filter_client => %L)', tests.fixture('client_b_org')), array[tests.fixture('ticket_b')], 'by client');
select results_eq(format('select id from public.list_tickets(filter_matter => %L)', tests.fixture('matter_a1')), array[tests.fixture('ticket_a1')], 'by matter');
select results_eq($$select l.id from public.list_tickets(filter_category => 'billing') as l where l.id in (select id from world)$$, array[tests.fixture('ticket_a2')], 'by category');
select results_eq($$select l.id from public.list_tickets(filter_priority => 'urgent') as l where l.id in (select id from world)$$, array[tests.fixture('ticket_a1')], 'by priority');

select results_eq($$select id from public.list_tickets(max_rows => 2)
                    union all
                    select id from public.list_tickets(after_activity_at => (select last_activity_at from public.list_tickets(max_rows => 2) offset 1),
                                                       after_id => (select id from public.list_tickets(max_rows => 2) offset 1), max_rows => 2)$$,
  array[tests.fixture('ticket_a'), tests.fixture('ticket_a1'), tests.fixture('ticket_a2'), tests.fixture('ticket_b')],
  'two pages of two, after the cursor, give every ticket once');
select throws_ok($$select * from public.list_tickets(filter_statuses => array['done'])$$, 'P0001', 'invalid_status', 'unknown statuses are named');
select throws_ok($$select * from public.list_tickets(filter_priority => 'asap')$$, 'P0001', 'invalid_priority', 'unknown priorities too');
select throws_ok($$select * from public.list_tickets(after_id => gen_random_uuid())$$, 'P0001', 'invalid_cursor', 'half a cursor is refused');

select * from finish();
rollback;
