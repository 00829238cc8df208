-- Test: only participants who still have access send; everyone else learns nothing about the
-- conversation (conversation_not_found) or must pass the second factor first.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('lawyer');
select lives_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Antwort der Kanzlei')$$, 'a staff participant sends');
select tests.act_as('guest');
select lives_ok($$select public.send_message(tests.fixture('conv_a1'), gen_random_uuid(), 'Anlage folgt')$$, 'a guest sends in its matter''s thread');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'x')$$, 'P0001', 'conversation_not_found',
  'the guest cannot send into the client''s other thread');
select tests.act_as('client_a2');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'x')$$, 'P0001', 'conversation_not_found',
  'a colleague who does not take part cannot send');
select tests.act_as('client_b');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'x')$$, 'P0001', 'conversation_not_found',
  'client B cannot send into client A''s thread');
select tests.act_as('staff');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'x')$$, 'P0001', 'conversation_not_found',
  'staff join before they write');
select tests.clear_authentication();
insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('past_grace'));
select tests.act_as('past_grace');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'x')$$, 'P0001', 'mfa_required',
  'a participant past its grace period must set up a second factor');
select tests.clear_authentication();
delete from public.matter_members where user_id = tests.fixture('guest');
select tests.act_as('guest');
select throws_ok($$select public.send_message(tests.fixture('conv_a1'), gen_random_uuid(), 'x')$$, 'P0001', 'conversation_not_found',
  'a guest removed from the matter cannot send at once');
select tests.clear_authentication();
select is((select count(*)::int from public.messages where body = 'x'), 0, 'no refused message was stored');

select * from finish();
rollback;
