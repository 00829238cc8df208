-- Test: publishing a page, or adding an audience to a published one, is announced on the user
-- topic of exactly the people it newly reaches (so their /seiten and overview re-read live), and
-- never twice to the same person.
begin;
select plan(4);

select tests.create_portal_world();
create temporary view announced as
  select m.topic from realtime.messages as m
   where m.event = 'notification_created' and m.payload -> 'record' ->> 'entity_type' = 'page'
     and m.payload -> 'record' ->> 'entity_id' = '22222222-2222-4222-8222-222222222222';

select tests.act_as('staff');
select public.save_page('22222222-2222-4222-8222-222222222222', 'Rundschreiben', 'Hallo', false, array[tests.fixture('client_b_org')]);
select tests.clear_authentication();
select is((select count(*)::int from announced), 0, 'a draft is announced to nobody');

select tests.act_as('staff');
select public.set_page_published('22222222-2222-4222-8222-222222222222', true);
select tests.clear_authentication();
select is(array(select topic from announced order by 1), array['user:' || tests.fixture('client_b')],
  'publishing reaches the user of client B');

select tests.act_as('staff');
select public.save_page('22222222-2222-4222-8222-222222222222', 'Rundschreiben', 'Hallo', false,
                        array[tests.fixture('client_b_org')], array[tests.fixture('group_g')]);
select tests.clear_authentication();
select is((select count(*)::int from announced where topic = 'user:' || tests.fixture('client_b')), 1,
  'adding group G does not announce it to client B again');
select is(array(select topic from announced where topic <> 'user:' || tests.fixture('client_b') order by 1),
  array(select 'user:' || tests.fixture(n) from unnest(array['client_a', 'client_a2', 'past_grace', 'totp_aal1']) as n order by 1),
  'adding group G reaches client A''s users, and nobody on staff');

select * from finish();
rollback;
