-- Test: the review of matter A1 lists the guest with who added it; a removed guest disappears
-- because the policy helper no longer lets it in.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('staff');
select is((select x ->> 'invited_by' from jsonb_array_elements(public.access_review_matter(tests.fixture('matter_a1')) -> 'people') as x
            where (x ->> 'user_id')::uuid = tests.get_user_id('guest') and x ->> 'reason' = 'guest'),
  (select display_name from public.profiles where id = tests.get_user_id('client_a')), 'the guest, added by the client owner');
select ok(not exists (select 1 from jsonb_array_elements(public.access_review_matter(tests.fixture('matter_a2')) -> 'people') as x
                       where (x ->> 'user_id')::uuid = tests.get_user_id('guest')), 'the guest is not in matter A2');
delete from public.matter_members where user_id = tests.get_user_id('guest');
select ok(not exists (select 1 from jsonb_array_elements(public.access_review_matter(tests.fixture('matter_a1')) -> 'people') as x
                       where (x ->> 'user_id')::uuid = tests.get_user_id('guest')), 'removed, it is gone from the review');

select * from finish();
rollback;
