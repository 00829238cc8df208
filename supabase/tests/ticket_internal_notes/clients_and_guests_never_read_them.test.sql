-- Test: internal notes are unreadable for every client and guest persona, whatever they try;
-- staff write them, and even staff read them only through the audited RPC.
begin;
select plan(10);

select tests.create_portal_world();
select tests.act_as('guest');
select throws_ok('select * from public.ticket_internal_notes', '42501', null, 'the guest of the ticket''s matter cannot read notes');
select throws_ok($$select public.read_internal_notes(tests.fixture('ticket_a1'))$$, 'P0001', 'forbidden', 'nor through the RPC');
select throws_ok($$insert into public.ticket_internal_notes (ticket_id, body) values (tests.fixture('ticket_a1'), 'x')$$, '42501', null,
  'nor write them');
select tests.act_as('client_a');
select throws_ok('select * from public.ticket_internal_notes', '42501', null, 'the client owner cannot read notes');
select throws_ok($$select public.read_internal_notes(tests.fixture('ticket_a1'))$$, 'P0001', 'forbidden', 'nor through the RPC');
select is(tests.can_receive('ticket:' || tests.fixture('ticket_a1')), true, 'the client may listen to the ticket channel …');
select tests.act_as('staff');
insert into public.ticket_internal_notes (ticket_id, body) values (tests.fixture('ticket_a1'), 'Mandant nicht informieren');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where topic = 'ticket:' || tests.fixture('ticket_a1') and payload::text like '%informieren%'), 0,
  '… but notes are never broadcast there');
select is((select count(*)::int from public.notifications where title like '%informieren%' or data::text like '%informieren%'), 0,
  'nor put into anyone''s notifications');
select tests.act_as('client_b');
select throws_ok('select * from public.ticket_internal_notes', '42501', null, 'client B cannot read notes');
select tests.act_as('staff');
select throws_ok('select * from public.ticket_internal_notes', '42501', null, 'staff too read them only through the audited RPC');

select * from finish();
rollback;
