-- Test: staff write internal notes through the RPC (idempotent by note id); clients and guests
-- cannot, and a note never reaches a topic a client or guest may join.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('staff');
select is(public.add_internal_note(tests.fixture('ticket_a'), 'Mandant ist säumig', 'c0c0c0c0-0000-4000-8000-000000000001'),
  'c0c0c0c0-0000-4000-8000-000000000001'::uuid, 'staff write a note');
select is(public.add_internal_note(tests.fixture('ticket_a'), 'Mandant ist säumig', 'c0c0c0c0-0000-4000-8000-000000000001'),
  'c0c0c0c0-0000-4000-8000-000000000001'::uuid, 'a retry returns the same note');
select tests.clear_authentication();
select is((select count(*)::int from public.ticket_internal_notes where body = 'Mandant ist säumig'), 1, 'written once');
select tests.act_as('lawyer');
select throws_ok($$select public.add_internal_note(tests.fixture('ticket_a'), 'x', 'c0c0c0c0-0000-4000-8000-000000000001')$$,
  'P0001', 'note_id_conflict', 'a colleague cannot take the id over');
select throws_ok($$select public.add_internal_note(gen_random_uuid(), 'x')$$, 'P0001', 'ticket_not_found', 'unknown tickets are named');
select tests.act_as('client_a');
select throws_ok($$select public.add_internal_note(tests.fixture('ticket_a'), 'x')$$, 'P0001', 'forbidden', 'a client user cannot write notes');
select tests.act_as('guest');
select throws_ok($$select public.add_internal_note(tests.fixture('ticket_a1'), 'x')$$, 'P0001', 'forbidden', 'nor can a guest');

select tests.clear_authentication();
select is((select count(*)::int from realtime.messages
            where (topic like 'ticket:%' or topic in (select 'user:' || cm.user_id from public.client_members as cm
                                                      union select 'user:' || mm.user_id from public.matter_members as mm where mm.role = 'guest'))
              and (payload::text like '%säumig%' or payload ->> 'kind' = 'note')), 0,
  'nothing about the note is sent to a ticket topic or to a client''s or guest''s user topic');
select is((select count(*)::int from realtime.messages
            where topic in ('user:' || tests.fixture('staff'), 'user:' || tests.fixture('lawyer'))
              and event = 'ticket_activity' and payload ->> 'kind' = 'note' and payload ->> 'ticket_id' = tests.fixture('ticket_a')::text
              and payload::text not like '%säumig%'), 2,
  'every member of staff is told that there is a note, without its text');

select * from finish();
rollback;
