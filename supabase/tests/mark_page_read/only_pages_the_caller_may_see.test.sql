-- Test: a person marks only pages it may see as read (and their notifications with them); others
-- are not found; the guest and a session without its second factor are refused.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select isnt(public.mark_page_read(tests.fixture('page_g')), null, 'client A marks its group page read');
select is((select count(*)::int from public.notifications where entity_id = tests.fixture('page_g') and read_at is null), 0,
  'its notification about the page is read too');
select throws_ok(format('select public.mark_page_read(%L)', tests.fixture('page_b')), 'P0001', 'page_not_found', 'not client B''s page');
select tests.act_as('guest');
select throws_ok(format('select public.mark_page_read(%L)', tests.fixture('page_a')), 'P0001', 'page_not_found', 'the guest has no pages');
select tests.act_as('totp_aal1');
select throws_ok(format('select public.mark_page_read(%L)', tests.fixture('page_a')), 'P0001', 'mfa_required', 'an aal1 session with a factor');

select * from finish();
rollback;
