-- Test: everyone who reads a ticket may reply to it through the RPC, nobody else; a client's
-- reply reopens a pending ticket, a closed one takes none, and each reply is activity the author
-- has seen.
begin;
select plan(11);

select tests.create_portal_world();
select tests.act_as('client_a2');
select is((public.reply_to_ticket(tests.fixture('ticket_a'), 'Ich ergänze: es geht um Halle 3.')).author_id, tests.fixture('client_a2'),
  'a second user of the client replies to the client''s ticket');
select tests.act_as('guest');
select lives_ok($$select public.reply_to_ticket(tests.fixture('ticket_a1'), 'Gutachten anbei')$$, 'the guest replies to its matter''s ticket');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a'), 'Hallo?')$$, 'P0001', 'ticket_not_found',
  'but not to the client''s other tickets');
select tests.act_as('client_b');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a'), 'Hallo?')$$, 'P0001', 'ticket_not_found',
  'another client''s user finds no such ticket');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_b'), '  ')$$, 'P0001', 'body_required', 'an empty reply is refused');
select tests.act_as('past_grace');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a'), 'x')$$, 'P0001', 'mfa_required', 'past the grace period without a factor: refused');
select tests.act_as('totp_aal1');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_a'), 'x')$$, 'P0001', 'mfa_required', 'an aal1 session with a factor: refused');

select tests.act_as('staff');
select public.set_ticket_status(tests.fixture('ticket_b'), 'pending');
select tests.act_as('client_b');
select public.reply_to_ticket(tests.fixture('ticket_b'), 'Hier die Antwort auf Ihre Frage.');
select is((select status from public.tickets where id = tests.fixture('ticket_b')), 'open', 'the client''s reply reopens the pending ticket');
select ok((select seen_at >= t.last_activity_at from public.ticket_reads as r join public.tickets as t on t.id = r.ticket_id
            where r.user_id = tests.fixture('client_b') and r.ticket_id = tests.fixture('ticket_b')),
  'the author has seen its own activity');
select public.set_ticket_status(tests.fixture('ticket_b'), 'closed');
select throws_ok($$select public.reply_to_ticket(tests.fixture('ticket_b'), 'Noch etwas')$$, 'P0001', 'ticket_closed', 'a closed ticket takes no reply');
select tests.act_as('staff');
select lives_ok($$select public.reply_to_ticket(tests.fixture('ticket_a2'), 'Wir kümmern uns.')$$, 'staff reply to any ticket');

select * from finish();
rollback;
