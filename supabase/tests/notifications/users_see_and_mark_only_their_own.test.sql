-- Test: each user reads, marks read and deletes only its own notifications; nobody creates them.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a2');
select ok((select count(*) > 0 and bool_and(user_id = auth.uid()) from public.notifications), 'a user reads only its own notifications');
select lives_ok($$update public.notifications set read_at = now() where user_id = auth.uid()$$, 'and marks them read');
select throws_ok($$update public.notifications set title = 'x'$$, '42501', null, 'but changes nothing else');
select throws_ok($$insert into public.notifications (user_id, kind, title, entity_type, entity_id) values (auth.uid(), 'page.published', 'x', 'page', gen_random_uuid())$$,
  '42501', null, 'notifications are written by triggers only');
select tests.act_as('client_b');
select results_eq($$with gone as (delete from public.notifications where user_id = tests.fixture('client_a2') returning 1) select count(*)::int from gone$$,
  array[0], 'nobody deletes another user''s notifications');
select is(tests.visible_as('client_b', 'select user_id as id from public.notifications'), array['client_b', 'client_b'],
  'client B sees its two page notifications');

select * from finish();
rollback;
