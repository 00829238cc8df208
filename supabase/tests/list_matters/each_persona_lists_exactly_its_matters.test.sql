-- Test: list_matters answers each persona exactly the matters it may open; the gate holds; anon
-- cannot call it.
begin;
select plan(11);

select tests.create_portal_world();
select is(tests.visible_as('lawyer', 'select id from public.list_matters()'), array['matter_a1', 'matter_a2', 'matter_b1'], 'the lawyer lists all matters');
select is(tests.visible_as('staff', 'select id from public.list_matters()'), array['matter_a1', 'matter_a2', 'matter_b1'], 'staff list all matters');
select is(tests.visible_as('client_a', 'select id from public.list_matters()'), array['matter_a1', 'matter_a2'], 'client A lists A1 and A2');
select is(tests.visible_as('client_a2', 'select id from public.list_matters()'), array['matter_a1', 'matter_a2'], 'client A''s second user too');
select is(tests.visible_as('client_b', 'select id from public.list_matters()'), array['matter_b1'], 'client B lists only B1');
select is(tests.visible_as('guest', 'select id from public.list_matters()'), array['matter_a1'], 'the guest lists only A1');
select is(tests.visible_as('guest', $$select id from public.list_matters(search => 'A2')$$), '{}'::text[],
  'searching for the other matter finds nothing for the guest');
select is(tests.visible_as('guest', $$select id from public.list_matters(filter_client => tests.fixture('client_a_org'))$$),
  array['matter_a1'], 'filtering by its client still shows only its matter');

select tests.act_as('past_grace');
select throws_ok('select * from public.list_matters()', 'P0001', 'mfa_required', 'the past-grace user is refused');
select tests.act_as('totp_aal1');
select throws_ok('select * from public.list_matters()', 'P0001', 'mfa_required', 'an aal1 session with a factor is refused');
select tests.authenticate_as_anon();
select throws_ok('select * from public.list_matters()', '42501', null, 'anon may not call it');

select * from finish();
rollback;
