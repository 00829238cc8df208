-- Test: every ticket RPC refuses a session that has not passed the second factor (past the grace
-- period without one, or aal1 with one), staff included; anon may execute none of them.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('past_grace');
select throws_ok('select public.my_unread_ticket_count()', 'P0001', 'mfa_required', 'past grace: the badge');
select throws_ok('select public.ticket_status_counts()', 'P0001', 'mfa_required', 'past grace: the counts');
select throws_ok($$select public.mark_ticket_seen(tests.fixture('ticket_a'))$$, 'P0001', 'mfa_required', 'past grace: marking seen');
select throws_ok($$select public.open_ticket('x', 'y')$$, 'P0001', 'mfa_required', 'past grace: opening');
select throws_ok('select * from public.upload_limits()', 'P0001', 'mfa_required', 'past grace: the upload limits');
select tests.act_as('totp_aal1');
select throws_ok('select public.my_unread_ticket_count()', 'P0001', 'mfa_required', 'aal1 with a factor: the badge');
select throws_ok($$select public.open_ticket('x', 'y')$$, 'P0001', 'mfa_required', 'aal1 with a factor: opening');
select throws_ok('select public.create_document_upload(null, ''a.pdf'', 1, ''application/pdf'', repeat(''ab'', 32))', 'P0001', 'mfa_required',
  'aal1 with a factor: preparing an attachment');
select tests.authenticate_as('staff', 'aal1');
select throws_ok($$select public.add_internal_note(tests.fixture('ticket_a'), 'x')$$, 'P0001', 'mfa_required', 'staff at aal1: no notes');
select throws_ok('select * from public.list_tickets()', 'P0001', 'mfa_required', 'staff at aal1: no queue');
select tests.clear_authentication();
select ok(not has_function_privilege('anon', 'public.list_tickets(text[], uuid, boolean, uuid, uuid, text, text, text, boolean, timestamptz, uuid, integer)', 'execute')
          and not has_function_privilege('anon', 'public.reply_to_ticket(uuid, text, uuid, uuid[])', 'execute')
          and not has_function_privilege('anon', 'public.mark_ticket_seen(uuid)', 'execute'),
  'anon executes none of them');
select ok(not has_function_privilege('authenticated', 'private.send_due_notification_mails(timestamptz)', 'execute')
          and not has_function_privilege('authenticated', 'private.attach_ticket_documents(uuid, uuid, uuid[])', 'execute'),
  'signed-in users cannot send mails or attach directly');

select * from finish();
rollback;
