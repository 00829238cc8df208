-- Test: notes about a client are for staff: the client's own users never see them, not even
-- through REST on the table.
begin;
select plan(3);

select tests.create_portal_world();
insert into public.client_staff_notes (client_id, body) values (tests.fixture('client_a_org'), 'Vorsicht: Streit mit Gesellschafter');
select is(tests.visible_as('staff', 'select client_id as id from public.client_staff_notes'), array['client_a_org'], 'staff read the note');
select is(tests.visible_as('client_a', 'select client_id as id from public.client_staff_notes'), '{}'::text[], 'the client owner does not');
select is(tests.outcomes($$insert into public.client_staff_notes (client_id, body) values (tests.fixture('client_b_org'), 'x')$$,
                         array['client_b', 'guest', 'anon']),
  array['client_b: 42501 new row violates row-level security policy for table "client_staff_notes"',
        'guest: 42501 new row violates row-level security policy for table "client_staff_notes"',
        'anon: 42501 permission denied for table client_staff_notes'], 'and nobody but staff writes one');

select * from finish();
rollback;
