-- Test: staff invite owners and members into a client, a client owner invites members only,
-- plain members invite nobody; accepting makes the user a member.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a2');
select throws_ok($$select public.invite_to_client(tests.fixture('client_a_org'), 'kollege@example.org')$$, 'P0001', 'forbidden',
  'a plain member cannot invite colleagues');
select tests.act_as('client_a');
select throws_ok($$select public.invite_to_client(tests.fixture('client_a_org'), 'chef@example.org', 'owner')$$, 'P0001', 'forbidden',
  'an owner cannot make owners');
select tests.remember('invitation', public.invite_to_client(tests.fixture('client_a_org'), 'kollege@example.org'));
select tests.act_as('client_b');
select throws_ok($$select public.invite_to_client(tests.fixture('client_a_org'), 'spy@example.org')$$, 'P0001', 'client_not_found',
  'another client cannot invite into client A');
select tests.act_as('staff');
select lives_ok($$select public.invite_to_client(tests.fixture('client_b_org'), 'erbe@example.org', 'owner')$$, 'staff invite an owner');
select tests.clear_authentication();
select tests.create_user('colleague', 'kollege@example.org');
select tests.act_as('colleague');
select is(public.accept_invitation(tests.mailed_token(tests.fixture('invitation'))) ->> 'kind',
  'client', 'the colleague accepts');
select is(tests.visible_as('colleague', 'select id from public.matters'), array['matter_a1', 'matter_a2'],
  'and sees all of client A''s matters');

select * from finish();
rollback;
