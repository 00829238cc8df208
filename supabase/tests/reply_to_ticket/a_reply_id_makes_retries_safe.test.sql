-- Test: a reply sent with a client-generated id is written once, however often it is retried, and
-- that id cannot be taken over by anyone else; attachments travel with the reply.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('client_a');
select tests.remember('plan', tests.completed_attachment('Lageplan.pdf'));
select is((public.reply_to_ticket(tests.fixture('ticket_a'), 'Lageplan anbei', 'b0b0b0b0-0000-4000-8000-000000000001',
  array[tests.fixture('plan')])).id, 'b0b0b0b0-0000-4000-8000-000000000001'::uuid, 'the reply takes the client''s id');
select is((public.reply_to_ticket(tests.fixture('ticket_a'), 'Lageplan anbei', 'b0b0b0b0-0000-4000-8000-000000000001',
  array[tests.fixture('plan')])).body, 'Lageplan anbei', 'the retry returns the same reply without an error');
select is((select count(*)::int from public.ticket_replies where id = 'b0b0b0b0-0000-4000-8000-000000000001'), 1, 'written once');
select is((select ticket_reply_id from public.documents where id = tests.fixture('plan')), 'b0b0b0b0-0000-4000-8000-000000000001'::uuid,
  'the attachment belongs to the reply');
select is(tests.visible_as('client_a2', $$select id from public.documents where ticket_reply_id = 'b0b0b0b0-0000-4000-8000-000000000001'$$),
  array['plan'], 'and the client''s other user sees it with the reply');
select tests.act_as('client_a2');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a'), 'Übernommen', 'b0b0b0b0-0000-4000-8000-000000000001')$$,
  'P0001', 'reply_id_conflict', 'another user cannot reuse the id');
select tests.act_as('client_a');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a2'), 'Falsches Ticket', 'b0b0b0b0-0000-4000-8000-000000000001')$$,
  'P0001', 'reply_id_conflict', 'nor on another ticket');

select * from finish();
rollback;
