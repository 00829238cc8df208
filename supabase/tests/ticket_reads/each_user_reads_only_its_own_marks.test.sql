-- Test: read marks are private to their user and written only by the database (mark_ticket_seen
-- and the triggers of one's own actions), never directly.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select public.mark_ticket_seen(tests.fixture('ticket_a2'));
select is((select array_agg(ticket_id order by ticket_id) from public.ticket_reads),
  (select array_agg(id order by id) from unnest(array[tests.fixture('ticket_a'), tests.fixture('ticket_a2')]) as id),
  'client A reads its own marks: the ticket it opened and the one it looked at');
select tests.act_as('client_a2');
select is((select count(*)::int from public.ticket_reads where user_id = tests.fixture('client_a')), 0, 'a colleague reads none of them');
select throws_ok($$insert into public.ticket_reads (user_id, ticket_id) values (tests.fixture('client_a2'), tests.fixture('ticket_a'))$$,
  '42501', null, 'nobody writes marks directly');
select throws_ok($$update public.ticket_reads set seen_at = now() + interval '1 year'$$, '42501', null, 'nor moves them');
select tests.act_as('past_grace');
select is((select count(*)::int from public.ticket_reads), 0, 'past the grace period: nothing');

select * from finish();
rollback;
