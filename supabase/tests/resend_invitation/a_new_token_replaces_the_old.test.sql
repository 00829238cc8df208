-- Test: resending an expired invitation revokes it and mails a new one; staff invitations only
-- by admins; accepted ones cannot be resent.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('invitation', public.invite_to_client(tests.fixture('client_b_org'), 'neu@test.example'));
select tests.clear_authentication();
update public.invitations set expires_at = now() - interval '1 day' where id = tests.fixture('invitation');
select tests.act_as('staff');
select isnt(public.resend_invitation(tests.fixture('invitation')), tests.fixture('invitation'), 'a new invitation');
select tests.clear_authentication();
select ok((select revoked_at is not null from public.invitations where id = tests.fixture('invitation')), 'the old one is revoked');
select is((select count(*)::int from ops.mail_outbox where recipient = 'neu@test.example' and template = 'client_invitation'), 2,
  'and a second mail is queued');
select is(tests.outcome_as('client_b', format('select public.resend_invitation(%L)', tests.fixture('invitation'))),
  'P0001 forbidden', 'clients may not resend');

select * from finish();
rollback;
