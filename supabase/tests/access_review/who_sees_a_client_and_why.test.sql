-- Test: the review of client A names staff, its users with role and the guest of A1 only for that
-- matter, and the groups with their pages; it is for staff only.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('staff');
select is((select array_agg(x ->> 'reason' || ':' || coalesce(x ->> 'role', x ->> 'matter_title', '-') order by x ->> 'reason', x ->> 'role')
             from jsonb_array_elements(public.access_review_client(tests.fixture('client_a_org')) -> 'people') as x
            where (x ->> 'user_id')::uuid in (select id from tests.fixtures)),
  array['admin:-', 'guest:A1 Bauvertrag', 'member:member', 'member:member', 'member:member', 'member:owner', 'staff:-'],
  'staff, the four users with role, and the guest only through A1');
select is((select array_agg(p ->> 'title') from jsonb_array_elements(public.access_review_client(tests.fixture('client_a_org')) -> 'groups') as g,
                                               jsonb_array_elements(g -> 'pages') as p),
  array['Page for G'], 'the group and the page it receives');
select ok(not exists (select 1 from jsonb_array_elements(public.access_review_client(tests.fixture('client_a_org')) -> 'people') as x
                       where (x ->> 'user_id')::uuid = tests.get_user_id('client_b')), 'another client''s user is not listed');
select tests.clear_authentication();
select is(tests.outcomes(format('select public.access_review_client(%L)', tests.fixture('client_a_org')), array['client_a', 'guest', 'anon']),
  array['client_a: P0001 forbidden', 'guest: P0001 forbidden', 'anon: 42501 permission denied for function access_review_client'], 'staff only');

select * from finish();
rollback;
