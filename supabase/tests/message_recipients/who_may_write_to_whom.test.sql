-- Test: message_recipients offers each person exactly whom it may address: a guest the firm; a
-- client user the firm, its colleagues and the matter's guests; staff the same; nobody learns of
-- another client's people.
begin;
select plan(7);

select tests.create_portal_world();
select is(tests.visible_as('guest', $$select id from public.message_recipients(matter_id => tests.fixture('matter_a1'))$$),
  array['lawyer', 'staff'], 'a guest writes to the firm');
select is(tests.visible_as('client_a', $$select id from public.message_recipients(tests.fixture('client_a_org'))$$),
  array['client_a2', 'lawyer', 'past_grace', 'staff', 'totp_aal1'], 'a client user writes to the firm and its colleagues');
select is(tests.visible_as('client_a', $$select id from public.message_recipients(matter_id => tests.fixture('matter_a1'))$$),
  array['client_a2', 'guest', 'lawyer', 'past_grace', 'staff', 'totp_aal1'], 'in a matter also its guest');
select is(tests.visible_as('staff', $$select id from public.message_recipients(matter_id => tests.fixture('matter_a1'))$$),
  array['client_a', 'client_a2', 'guest', 'lawyer', 'past_grace', 'totp_aal1'], 'staff write to the client''s users, the matter''s guest and colleagues');
select tests.act_as('client_b');
select throws_ok($$select public.message_recipients(tests.fixture('client_a_org'))$$, 'P0001', 'client_not_found',
  'client B learns nothing of client A''s people');
select tests.act_as('guest');
select throws_ok($$select public.message_recipients(matter_id => tests.fixture('matter_a2'))$$, 'P0001', 'matter_not_found',
  'the guest nothing of the client''s other matter');
select tests.act_as('past_grace');
select throws_ok($$select public.message_recipients(tests.fixture('client_a_org'))$$, 'P0001', 'mfa_required',
  'past the grace period nobody is offered');

select * from finish();
rollback;
