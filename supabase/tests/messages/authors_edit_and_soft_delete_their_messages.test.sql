-- Test: authors edit (marked edited) and delete (body blanked, marked deleted, final) their own
-- messages; nobody else can.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select results_eq($$with changed as (update public.messages set body = 'x' where id = tests.fixture('msg_a1') returning 1)
                   select count(*)::int from changed$$, array[0], 'a participant cannot edit another''s message');
select tests.act_as('guest');
update public.messages set body = 'Gutachten folgt am Montag' where id = tests.fixture('msg_a1');
select isnt((select edited_at from public.messages where id = tests.fixture('msg_a1')), null, 'an edit is marked');
update public.messages set deleted_at = now() where id = tests.fixture('msg_a1');
select is((select body from public.messages where id = tests.fixture('msg_a1')), '', 'a deleted message loses its text');
select isnt((select deleted_at from public.messages where id = tests.fixture('msg_a1')), null, 'and is marked deleted');
select throws_ok($$update public.messages set deleted_at = null, body = 'zurück' where id = tests.fixture('msg_a1')$$, 'P0001', 'message_deleted',
  'a deletion is final');
select throws_ok($$update public.messages set conversation_id = tests.fixture('conv_a') where id = tests.fixture('msg_a1')$$, '42501', null,
  'a message cannot be moved to another conversation');

select * from finish();
rollback;
