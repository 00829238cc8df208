-- Test: who sees which client.
begin;
select plan(7);

select tests.create_portal_world();
select is(tests.visible_as('lawyer', 'select id from public.clients'), array['client_a_org', 'client_b_org'], 'the lawyer sees all clients');
select is(tests.visible_as('staff', 'select id from public.clients'), array['client_a_org', 'client_b_org'], 'staff see all clients');
select is(tests.visible_as('client_a', 'select id from public.clients'), array['client_a_org'], 'client A''s owner sees only client A');
select is(tests.visible_as('client_a2', 'select id from public.clients'), array['client_a_org'], 'client A''s second user sees only client A');
select is(tests.visible_as('client_b', 'select id from public.clients'), array['client_b_org'], 'client B sees only client B');
select is(tests.visible_as('guest', 'select id from public.clients'), '{}'::text[], 'the guest sees no client record');
select is(tests.visible_as('totp_aal1', 'select id from public.clients'), '{}'::text[], 'an aal1 session with a factor sees none');

select * from finish();
rollback;
