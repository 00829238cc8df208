-- Test: publishing notifies the users of the audience in-app, once; adding an audience to a
-- published page notifies only the people it newly reaches; a page needs an audience to be
-- published, and an archived page must be restored first. (Notifications are counted without a
-- role: RLS would show staff only their own.)
begin;
select plan(10);

select tests.create_portal_world();
create temporary view told as
  select f.name from public.notifications as n join tests.fixtures as f on f.id = n.user_id
   where n.entity_id = '22222222-2222-4222-8222-222222222222';

select tests.act_as('staff');
select throws_ok($$select public.set_page_published('22222222-2222-4222-8222-222222222222', true)$$, 'P0001', 'page_not_found', 'unknown page');
select public.save_page('22222222-2222-4222-8222-222222222222', 'Rundschreiben', 'Hallo', false);
select throws_ok($$select public.set_page_published('22222222-2222-4222-8222-222222222222', true)$$, 'P0001', 'audience_required',
  'no audience, no publication');
select public.save_page('22222222-2222-4222-8222-222222222222', 'Rundschreiben', 'Hallo', false, array[tests.fixture('client_b_org')]);
select tests.clear_authentication();
select is((select count(*)::int from told), 0, 'a draft notifies nobody');

select tests.act_as('staff');
select lives_ok($$select public.set_page_published('22222222-2222-4222-8222-222222222222', true)$$, 'staff publish');
select tests.clear_authentication();
select is(array(select name from told order by 1), array['client_b'], 'the user of client B is told');

select tests.act_as('staff');
select public.save_page('22222222-2222-4222-8222-222222222222', 'Rundschreiben', 'Hallo', false,
                        array[tests.fixture('client_b_org')], array[tests.fixture('group_g')]);
select tests.clear_authentication();
select is(array(select name from told order by 1),
  array['client_a', 'client_a2', 'client_b', 'past_grace', 'totp_aal1'], 'adding group G tells client A''s users, client B only once');

select tests.act_as('staff');
select public.set_page_published('22222222-2222-4222-8222-222222222222', false);
select public.set_page_published('22222222-2222-4222-8222-222222222222', true);
select tests.clear_authentication();
select is((select count(*)::int from told), 5, 'publishing again tells nobody twice');

select tests.act_as('staff');
select lives_ok($$select public.set_page_archived('22222222-2222-4222-8222-222222222222', true)$$, 'staff archive');
select throws_ok($$select public.set_page_published('22222222-2222-4222-8222-222222222222', true)$$, 'P0001', 'page_archived',
  'an archived page is restored before it is published');
select tests.clear_authentication();
select tests.act_as('client_a');
select throws_ok(format($$select public.set_page_published(%L, false)$$, tests.fixture('page_g')), 'P0001', 'forbidden',
  'a client may not unpublish');

select * from finish();
rollback;
