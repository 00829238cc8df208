-- Test: appointments follow their page or their client.
begin;
select plan(5);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.appointments'),
  array['appointment_client_a', 'appointment_client_b', 'appointment_page_a', 'appointment_page_draft'], 'staff see all appointments');
select is(tests.visible_as('client_a', 'select id from public.appointments'), array['appointment_client_a', 'appointment_page_a'],
  'client A sees its client appointment and the one on its page, not the one on a draft');
select is(tests.visible_as('client_b', 'select id from public.appointments'), array['appointment_client_b'], 'client B sees its own');
select is(tests.visible_as('guest', 'select id from public.appointments'), '{}'::text[], 'the guest sees none');
select is(tests.visible_as('totp_aal1', 'select id from public.appointments'), '{}'::text[], 'the aal1-with-factor session sees none');

select * from finish();
rollback;
