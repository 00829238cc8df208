-- Test: a person's reach is what the policy helpers give that person: the guest reaches A1 and
-- nothing else of client A; the owner its client, both matters, the group and its pages. The
-- caller's own identity is back afterwards.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
select is((select array_agg(m ->> 'title' || ':' || (m ->> 'reason')) from jsonb_array_elements(public.access_review_person(tests.get_user_id('guest')) -> 'matters') as m),
  array['A1 Bauvertrag:guest'], 'the guest reaches only its matter');
select is(public.access_review_person(tests.get_user_id('guest')) -> 'clients', '[]'::jsonb, 'and no client');
select is((select array_agg(p ->> 'title' order by p ->> 'title') from jsonb_array_elements(public.access_review_person(tests.get_user_id('client_a')) -> 'pages') as p
            where p ->> 'title' like 'Page for %'),
  array['Page for A', 'Page for G'], 'the owner reaches its client''s page and its group''s');
select is(auth.uid(), tests.get_user_id('staff'), 'the caller is itself again');
select tests.clear_authentication();
select is(tests.outcomes(format('select public.access_review_person(%L)', tests.get_user_id('client_a2')), array['client_a', 'guest', 'anon']),
  array['client_a: P0001 forbidden', 'guest: P0001 forbidden', 'anon: 42501 permission denied for function access_review_person'], 'staff only');

select * from finish();
rollback;
