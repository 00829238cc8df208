-- Test: unknown, expired, revoked, used tokens and the wrong account are refused with their codes.
begin;
select plan(6);

select tests.create_portal_world();
select tests.create_user('invitee', 'invitee@example.org');
select tests.create_user('somebody_else', 'else@example.org');
select tests.act_as('client_a');
select tests.remember('expired', public.invite_to_matter(tests.fixture('matter_a1'), 'invitee@example.org'));
select tests.remember('revoked', public.invite_to_matter(tests.fixture('matter_a2'), 'invitee@example.org'));
select public.revoke_invitation(tests.fixture('revoked'));
select tests.act_as('staff');
select tests.remember('fresh', public.invite_to_matter(tests.fixture('matter_b1'), 'invitee@example.org'));
select tests.clear_authentication();
update public.invitations set expires_at = now() - interval '1 second' where id = tests.fixture('expired');

select tests.act_as('invitee');
select throws_ok($$select public.accept_invitation('0000')$$, 'P0001', 'invitation_not_found', 'an unknown token is refused');
select throws_ok(format('select public.accept_invitation(%L)', tests.mailed_token(tests.fixture('expired'))),
  'P0001', 'invitation_expired', 'an expired invitation is refused');
select throws_ok(format('select public.accept_invitation(%L)', tests.mailed_token(tests.fixture('revoked'))),
  'P0001', 'invitation_revoked', 'a revoked invitation is refused');
select tests.act_as('somebody_else');
select throws_ok(format('select public.accept_invitation(%L)', tests.mailed_token(tests.fixture('fresh'))),
  'P0001', 'invitation_email_mismatch', 'a forwarded token does not work for another account');
select tests.act_as('invitee');
select lives_ok(format('select public.accept_invitation(%L)', tests.mailed_token(tests.fixture('fresh'))),
  'the invited account accepts');
select throws_ok(format('select public.accept_invitation(%L)', tests.mailed_token(tests.fixture('fresh'))),
  'P0001', 'invitation_already_accepted', 'a token works once');

select * from finish();
rollback;
