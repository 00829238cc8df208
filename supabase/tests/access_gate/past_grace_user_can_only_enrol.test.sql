-- Test: a member of client A whose grace period ended without a factor sees nothing of the
-- client, cannot act, but still reads its own profile and may start enrolment.
begin;
select plan(16);

select tests.create_portal_world();

select is(tests.visible_as('past_grace', 'select id from public.clients'), '{}'::text[], 'past-grace user sees no client');
select is(tests.visible_as('past_grace', 'select id from public.matters'), '{}'::text[], 'past-grace user sees no matter');
select is(tests.visible_as('past_grace', 'select id from public.documents'), '{}'::text[], 'past-grace user sees no document');
select is(tests.visible_as('past_grace', 'select id from public.tickets'), '{}'::text[], 'past-grace user sees no ticket');
select is(tests.visible_as('past_grace', 'select id from public.pages'), '{}'::text[], 'past-grace user sees no page');
select is(tests.visible_as('past_grace', 'select id from public.appointments'), '{}'::text[], 'past-grace user sees no appointment');
select is(tests.visible_as('past_grace', 'select id from public.notifications'), '{}'::text[], 'past-grace user sees no notification');
select is(tests.visible_as('past_grace', 'select user_id as id from public.client_members'), '{}'::text[], 'past-grace user sees no co-member');
select is(tests.visible_as('past_grace', 'select id from public.profiles'), array['past_grace'], 'past-grace user still reads its own profile');

select tests.act_as('past_grace');
select throws_ok($$select public.open_ticket('Hilfe', 'Bitte', tests.fixture('client_a_org'))$$, 'P0001', 'mfa_required',
  'a past-grace user cannot open a ticket');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'x@test.example')$$, 'P0001', 'mfa_required',
  'a past-grace user cannot invite');
select throws_ok($$update public.profiles set display_name = 'Neu' where id = auth.uid()$$, '42501', null,
  'a past-grace user cannot even change its own profile');
select is(tests.can_receive('user:' || tests.fixture('past_grace')), false, 'a past-grace user cannot join its own user topic');
select is((public.my_access_state() ->> 'enrolment_required')::boolean, true, 'the app is told to enrol');
select is((public.my_access_state() ->> 'step_up_required')::boolean, false, 'there is nothing to step up with');
select lives_ok($$select public.request_email_code()$$, 'the past-grace user can still request an enrolment code');

select * from finish();
rollback;
