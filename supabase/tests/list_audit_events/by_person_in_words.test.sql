-- Test: the person filter finds what a person did and what was done to them, newest first and
-- paged; each event carries the actor's name and a label of the object (a document with version).
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('guest');
select public.document_download_url(tests.fixture('doc_a1_released'));
select tests.clear_authentication();
select tests.act_as('staff');
select public.end_person_sessions(tests.get_user_id('guest'));
select tests.clear_authentication();

select tests.act_as('lawyer');
select is((select actor_name || ' / ' || action || ' / ' || entity_label
             from public.list_audit_events(for_person => tests.get_user_id('guest'), action_prefix => 'document.')),
  (select display_name from public.profiles where id = tests.get_user_id('guest')) || ' / document.downloaded / {"name": "doc_a1_released.pdf", "version": 1}',
  'who downloaded which document, in which version');
select is(array(select action from public.list_audit_events(for_person => tests.get_user_id('guest'), since => now() - interval '1 minute')
                 where action in ('document.downloaded', 'account.sessions_ended')),
  array['account.sessions_ended', 'document.downloaded'], 'by the person and about them, newest first');
select is((select count(*)::int from public.list_audit_events(for_person => tests.get_user_id('guest'), max_rows => 1)), 1, 'a page size');
select is((select count(*)::int from public.list_audit_events(for_person => tests.get_user_id('guest'),
            before_occurred_at => (select occurred_at from public.list_audit_events(for_person => tests.get_user_id('guest'), max_rows => 1)),
            before_id => (select id from public.list_audit_events(for_person => tests.get_user_id('guest'), max_rows => 1)))) >= 1,
  true, 'the next page starts before the cursor');
select throws_ok($$select * from public.list_audit_events(before_id => 5)$$, 'P0001', 'invalid_cursor', 'half a cursor is refused');

select * from finish();
rollback;
