-- Test: a double click or a retry with the same idempotency key returns the first ticket instead
-- of opening a second; the key belongs to its user, and reusing it for another ticket is refused.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_b');
select tests.remember('first', (public.open_ticket('Frage zum Testament', 'Ist die Abschrift angekommen?',
  idempotency_key => '7a1f7e1e-0000-4000-8000-000000000001')).id);
select is((public.open_ticket('Frage zum Testament', 'Ist die Abschrift angekommen?',
  idempotency_key => '7a1f7e1e-0000-4000-8000-000000000001')).id, tests.fixture('first'), 'the retry returns the same ticket');
select is((select count(*)::int from public.tickets where subject = 'Frage zum Testament'), 1, 'and opened no second one');
select is((select count(*)::int from public.ticket_replies where ticket_id = tests.fixture('first')), 1, 'nor a second first reply');
select throws_ok($$select public.open_ticket('Etwas anderes', 'Neuer Text', idempotency_key => '7a1f7e1e-0000-4000-8000-000000000001')$$,
  'P0001', 'idempotency_key_reused', 'the same key for a different ticket is refused');
select isnt((public.open_ticket('Zweite Frage', 'Anderer Inhalt')).id, tests.fixture('first'), 'without a key every call opens a ticket');

select tests.act_as('client_a');
select isnt((public.open_ticket('Frage zum Testament', 'Ist die Abschrift angekommen?', tests.fixture('client_a_org'),
  idempotency_key => '7a1f7e1e-0000-4000-8000-000000000001')).id, tests.fixture('first'),
  'another user''s identical key opens that user''s own ticket, never returns someone else''s');

select * from finish();
rollback;
