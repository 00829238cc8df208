-- Test: staff open matters with a clean title and a unique reference; the creator is recorded as
-- involved; clients and guests are refused; every input is checked with its own code.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('staff');
select is((public.create_matter(tests.fixture('client_b_org'), '  Testament anfechten ', 'T-B2/26', 'Anfechtung')).title,
  'Testament anfechten', 'staff open a matter, title trimmed');
select ok(exists (select 1 from public.matter_members as mm join public.matters as m on m.id = mm.matter_id
                   where m.reference = 'T-B2/26' and mm.user_id = tests.fixture('staff') and mm.role = 'staff'),
  'the creator is recorded as involved');
select throws_ok($$select public.create_matter(tests.fixture('client_b_org'), 'Doppelt', 't-b2/26')$$, 'P0001', 'reference_taken',
  'a reference is unique in any case');
select throws_ok($$select public.create_matter(tests.fixture('client_b_org'), ' ', 'X-1')$$, 'P0001', 'title_required', 'a title is needed');
select throws_ok($$select public.create_matter(tests.fixture('client_b_org'), repeat('x', 301), 'X-1')$$, 'P0001', 'title_too_long', 'of at most 300 characters');
select throws_ok($$select public.create_matter(tests.fixture('client_b_org'), 'Akte', '')$$, 'P0001', 'reference_required', 'a reference is needed');
select throws_ok($$select public.create_matter(tests.fixture('client_b_org'), 'Akte', '../etc')$$, 'P0001', 'invalid_reference', 'no path tricks in a reference');
select throws_ok($$select public.create_matter(tests.fixture('client_b_org'), 'Akte', 'A b')$$, 'P0001', 'invalid_reference', 'no spaces');
select throws_ok($$select public.create_matter(gen_random_uuid(), 'Akte', 'X-1')$$, 'P0001', 'client_not_found', 'an unknown client is named');

select tests.act_as('client_a');
select throws_ok($$select public.create_matter(tests.fixture('client_a_org'), 'Eigene Akte', 'X-2')$$, 'P0001', 'forbidden', 'a client user may not open matters');
select tests.act_as('guest');
select throws_ok($$select public.create_matter(tests.fixture('client_a_org'), 'Eigene Akte', 'X-3')$$, 'P0001', 'forbidden', 'nor may a guest');
select tests.clear_authentication();
select is((select count(*)::int from public.matters where reference in ('X-2', 'X-3')), 0, 'nothing was created for them');

select * from finish();
rollback;
