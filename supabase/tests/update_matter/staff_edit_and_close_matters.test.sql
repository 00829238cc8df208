-- Test: staff edit and close matters; closing stamps who and when, revokes open invitations and
-- stops new ones; reopening clears the stamp; clients and guests are refused.
begin;
select plan(10);

select tests.create_portal_world();
select tests.act_as('client_a');
select public.invite_to_matter(tests.fixture('matter_a1'), 'new.guest@test.example');
select throws_ok($$select public.update_matter(tests.fixture('matter_a1'), 'Neu', 'T-A1', null, 'closed')$$, 'P0001', 'forbidden', 'a client user may not edit');
select tests.act_as('guest');
select throws_ok($$select public.update_matter(tests.fixture('matter_a1'), 'Neu', 'T-A1', null, 'closed')$$, 'P0001', 'forbidden', 'nor a guest');

select tests.act_as('staff');
select is((public.update_matter(tests.fixture('matter_a1'), 'A1 Bauvertrag (Klage)', 'T-A1', 'Klage erhoben', 'closed')).status, 'closed', 'staff close a matter');
select tests.clear_authentication();
select is((select closed_by from public.matters where id = tests.fixture('matter_a1')), tests.fixture('staff'), 'who closed it is recorded');
select is((select count(*)::int from public.invitations where matter_id = tests.fixture('matter_a1') and revoked_at is null and accepted_at is null),
  0, 'its open invitations are revoked');
select tests.act_as('client_a');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'late@test.example')$$, 'P0001', 'matter_closed', 'a closed matter takes no invitations');
select tests.act_as('staff');
select is((public.update_matter(tests.fixture('matter_a1'), 'A1 Bauvertrag', 'T-A1', null, 'open')).closed_at, null, 'reopening clears the stamp');
select throws_ok($$select public.update_matter(tests.fixture('matter_a1'), 'A1', 'T-A2', null, 'open')$$, 'P0001', 'reference_taken', 'another matter''s reference is refused');
select throws_ok($$select public.update_matter(tests.fixture('matter_a1'), 'A1', 'T-A1', null, 'archived')$$, 'P0001', 'invalid_status', 'an unknown status is refused');
select throws_ok($$select public.update_matter(gen_random_uuid(), 'A1', 'T-X', null, 'open')$$, 'P0001', 'matter_not_found', 'an unknown matter is named');

select * from finish();
rollback;
