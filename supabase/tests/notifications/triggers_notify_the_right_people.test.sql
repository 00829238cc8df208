-- Test: new messages, published pages and released documents notify exactly the people who may
-- see them, never the actor.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
insert into public.messages (conversation_id, body) values (tests.fixture('conv_a1'), 'Termin steht');
select tests.clear_authentication();
select is((select array_agg(f.name order by f.name) from public.notifications as n join tests.fixtures as f on f.id = n.user_id
            where n.kind = 'message.created' and n.data ->> 'message_id' = (select id::text from public.messages where body = 'Termin steht')),
  array['client_a', 'guest'], 'a message notifies the other participants, not its author');

select is((select array_agg(f.name order by f.name) from public.notifications as n join tests.fixtures as f on f.id = n.user_id
            where n.kind = 'page.published' and n.entity_id = tests.fixture('page_g')),
  array['client_a', 'client_a2', 'past_grace', 'totp_aal1'], 'a group page notifies the users of the clients in the group');
select tests.act_as('staff');
update public.pages set published = true where id = tests.fixture('page_draft');
insert into public.page_audiences (page_id, group_id) values (tests.fixture('page_draft'), tests.fixture('group_g'));
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where kind = 'page.published' and entity_id = tests.fixture('page_draft')), 4,
  'publishing notifies each user once, even when a client and its group are both in the audience');
select is((select count(*)::int from public.notifications where kind = 'page.published' and entity_id = tests.fixture('page_draft')
             and user_id in (tests.fixture('client_b'), tests.fixture('guest'))), 0, 'nobody outside the audience is notified');

select tests.act_as('client_a');
insert into public.messages (conversation_id, body) values (tests.fixture('conv_a'), 'Danke');
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where kind = 'message.created' and user_id = tests.fixture('client_a')
             and data ->> 'message_id' = (select id::text from public.messages where body = 'Danke')), 0, 'the author is never notified of its own message');

select * from finish();
rollback;
