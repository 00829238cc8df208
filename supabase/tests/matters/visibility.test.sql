-- Test: staff see all matters, client users their client's, the guest only the matter it is in.
begin;
select plan(8);

select tests.create_portal_world();
select is(tests.visible_as('lawyer', 'select id from public.matters'), array['matter_a1', 'matter_a2', 'matter_b1'], 'the lawyer sees all matters');
select is(tests.visible_as('staff', 'select id from public.matters'), array['matter_a1', 'matter_a2', 'matter_b1'], 'staff see all matters');
select is(tests.visible_as('client_a', 'select id from public.matters'), array['matter_a1', 'matter_a2'], 'client A sees A1 and A2');
select is(tests.visible_as('client_a2', 'select id from public.matters'), array['matter_a1', 'matter_a2'], 'client A''s second user too');
select is(tests.visible_as('client_b', 'select id from public.matters'), array['matter_b1'], 'client B sees only B1');
select is(tests.visible_as('guest', 'select id from public.matters'), array['matter_a1'], 'the guest sees only A1, not A2');
select is(tests.visible_as('past_grace', 'select id from public.matters'), '{}'::text[], 'the past-grace user sees none');
select is(tests.visible_as('totp_aal1', 'select id from public.matters'), '{}'::text[], 'the aal1-with-factor session sees none');

select * from finish();
rollback;
