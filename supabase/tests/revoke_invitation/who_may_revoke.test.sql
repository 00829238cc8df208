-- Test: the inviter, staff and the client's owners revoke open invitations; others cannot.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a2');
select tests.remember('invitation', public.invite_to_matter(tests.fixture('matter_a1'), 'x@example.org'));
select tests.act_as('client_b');
select throws_ok($$select public.revoke_invitation(tests.fixture('invitation'))$$, 'P0001', 'invitation_not_found',
  'another client cannot see or revoke it');
select tests.act_as('totp_aal1', tests.create_session('totp_aal1'));
select throws_ok($$select public.revoke_invitation(tests.fixture('invitation'))$$, 'P0001', 'mfa_required',
  'an unverified session cannot revoke');
select tests.act_as('client_a');
select lives_ok($$select public.revoke_invitation(tests.fixture('invitation'))$$, 'the client''s owner revokes a colleague''s invitation');
select throws_ok($$select public.revoke_invitation(tests.fixture('invitation'))$$, 'P0001', 'invitation_revoked', 'revoking twice is reported');
select tests.clear_authentication();
select ok(exists (select 1 from ops.audit_events where action = 'invitation.revoked' and entity_id = tests.fixture('invitation')::text),
  'the revocation is audited');

select * from finish();
rollback;
