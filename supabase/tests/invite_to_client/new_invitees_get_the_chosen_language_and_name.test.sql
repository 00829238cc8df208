-- Test: an invitation to an address without account is mailed in the language the inviter chose,
-- addressed by the given name; an existing account keeps its own language and name. The mail
-- data carries role and expiry for the text.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('new_invitee', public.invite_to_client(tests.fixture('client_a_org'), 'new.person@example.org', 'owner', 'en', '  Ann Lee '));
select tests.remember('existing', public.invite_to_client(tests.fixture('client_b_org'), 'client.a2@test.example', 'member', 'de', 'Someone Else'));
select throws_ok(format('select public.invite_to_client(%L, %L, %L, %L)', tests.fixture('client_a_org'), 'x@example.org', 'member', 'fr'),
  'P0001', 'invalid_locale', 'only German and English');
select throws_ok(format('select public.invite_to_matter(%L, %L, null, %L)', tests.fixture('matter_a1'), 'x@example.org', repeat('n', 201)),
  'P0001', 'invalid_display_name', 'names have at most 200 characters');
select tests.clear_authentication();

select is((select locale || '/' || (data ->> 'invitee_name') || '/' || (data ->> 'role') || '/' || (data ->> 'has_account')
             from ops.mail_outbox where data ->> 'invitation_id' = tests.fixture('new_invitee')::text),
  'en/Ann Lee/owner/false', 'a new address gets the chosen language and name');
select is((select locale || '/' || (data ->> 'invitee_name') from ops.mail_outbox where data ->> 'invitation_id' = tests.fixture('existing')::text),
  'en/Anja Alpha', 'an existing account keeps its own');
select is((select (data ->> 'expires_at')::timestamptz from ops.mail_outbox where data ->> 'invitation_id' = tests.fixture('new_invitee')::text),
  (select expires_at from public.invitations where id = tests.fixture('new_invitee')), 'the mail knows when the invitation expires');

select * from finish();
rollback;
