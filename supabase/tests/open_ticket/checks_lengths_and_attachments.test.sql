-- Test: subject and text are checked for their length before anything is written, and a ticket
-- opens with its attachments on the first reply, released to the ticket's readers at once.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('client_b');
select throws_ok(format('select public.open_ticket(%L, %L)', repeat('a', 301), 'Text'), 'P0001', 'subject_too_long', 'a subject of 301 characters is refused');
select throws_ok(format('select public.open_ticket(%L, %L)', 'Betreff', repeat('a', 20001)), 'P0001', 'body_too_long', 'a text over 20,000 characters too');
select throws_ok($$select public.open_ticket('   ', 'Text')$$, 'P0001', 'subject_required', 'a blank subject is refused');

select tests.remember('scan', tests.completed_attachment('Testament Scan.pdf'));
select tests.remember('with_file', (public.open_ticket('Testament', 'Anbei der Scan', attachment_ids => array[tests.fixture('scan')])).id);
select results_eq($$select d.ticket_id, d.ticket_reply_id, d.released_at is not null from public.documents as d where d.id = tests.fixture('scan')$$,
  $$select tests.fixture('with_file'), r.id, true from public.ticket_replies as r where r.ticket_id = tests.fixture('with_file')$$,
  'the upload belongs to the first reply and is released');
select is(tests.visible_as('staff', $$select id from public.documents where ticket_id = tests.fixture('with_file')$$), array['scan'],
  'staff see the attachment');
select tests.act_as('client_b');
select throws_ok($$select public.open_ticket('Noch einmal', 'Derselbe Scan', attachment_ids => array[tests.fixture('scan')])$$,
  'P0001', 'attachment_not_found', 'an attached upload cannot be attached again');
select is((select count(*)::int from public.tickets where subject = 'Noch einmal'), 0, 'and the refused ticket was not opened');

select * from finish();
rollback;
