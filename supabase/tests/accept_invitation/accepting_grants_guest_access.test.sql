-- Test: the invited person signs in with the invited address and accepts: it becomes a guest of
-- that matter only; the invitation is settled and audited.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select tests.remember('invitation', public.invite_to_matter(tests.fixture('matter_a2'), 'neu@example.org'));
select tests.clear_authentication();
select tests.create_user('invitee', 'Neu@Example.org');

select tests.act_as('invitee');
select is(public.accept_invitation(tests.mailed_token(tests.fixture('invitation'))) ->> 'matter_id',
  tests.fixture('matter_a2')::text, 'the invitee accepts with the token from the mail');
select is(tests.visible_as('invitee', 'select id from public.matters'), array['matter_a2'], 'it sees exactly that matter');
select is(tests.visible_as('invitee', 'select id from public.clients'), '{}'::text[], 'and nothing else of the client');
select is(tests.visible_as('invitee', 'select id from public.documents'), array['doc_a2'], 'it sees the released documents of A2');
select tests.clear_authentication();
select is((select accepted_by from public.invitations where id = tests.fixture('invitation')), tests.get_user_id('invitee'),
  'the invitation records who accepted it');
select ok(exists (select 1 from ops.audit_events where action = 'invitation.accepted' and entity_id = tests.fixture('invitation')::text),
  'the acceptance is audited');

select * from finish();
rollback;
