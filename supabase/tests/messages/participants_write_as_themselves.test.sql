-- Test: participants post as themselves into their conversations only.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('guest');
select lives_ok($$insert into public.messages (conversation_id, body) values (tests.fixture('conv_a1'), 'Anbei die Fotos')$$,
  'a participant posts (author defaults to itself)');
select is((select author_id from public.messages where body = 'Anbei die Fotos'), tests.fixture('guest'), 'the author is the poster');
select throws_ok($$insert into public.messages (conversation_id, author_id, body) values (tests.fixture('conv_a1'), tests.fixture('client_a'), 'Fälschung')$$,
  '42501', null, 'nobody posts in someone else''s name');
select throws_ok($$insert into public.messages (conversation_id, body) values (tests.fixture('conv_a'), 'Hallo?')$$,
  '42501', null, 'the guest cannot post into a thread it is not in');
select tests.act_as('client_b');
select throws_ok($$insert into public.messages (conversation_id, body) values (tests.fixture('conv_a'), 'Hallo?')$$,
  '42501', null, 'client B cannot post into client A''s thread');

select * from finish();
rollback;
