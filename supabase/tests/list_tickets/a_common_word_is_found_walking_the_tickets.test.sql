-- Test: a word in more than 2,000 tickets is too common to fetch every hit: the staff search then
-- walks the tickets in activity order and checks each, and still finds exactly the matching ones.
begin;
select plan(4);

select tests.create_portal_world();
insert into public.tickets (subject, client_id, created_by, requester_id)
select 'Allerweltswort ' || n, tests.fixture('client_b_org'), tests.fixture('client_b'), tests.fixture('client_b')
  from generate_series(1, 2001) as n;
select is(cardinality(private.staff_search_hits(private.ticket_search_query('Allerweltswort'), null)), null, 'more than 2,000 hits: no list of them');
select tests.act_as('staff');
select is((select count(*)::int from public.list_tickets(search => 'Allerweltswort', max_rows => 100) where subject like 'Allerweltswort %'), 100,
  'a page of matching tickets all the same');
select is((select count(*)::int from public.list_tickets(search => 'Allerweltswort Ticket')), 0, 'and nothing that does not match every word');
select is((public.ticket_status_counts(search => 'Allerweltswort') ->> 'open')::int, 2001, 'counted in full');

select * from finish();
rollback;
