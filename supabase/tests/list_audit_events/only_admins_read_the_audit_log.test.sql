-- Test: the admin reads the audit log (filtered), employees and clients cannot.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('guest');
select public.document_download_url(tests.fixture('doc_a1_released'));

select tests.act_as('lawyer');
select is((select count(*)::int from public.list_audit_events(action_prefix => 'document.', for_entity_id => tests.fixture('doc_a1_released')::text)),
  1, 'the admin finds the download');
select tests.act_as('staff');
select throws_ok('select * from public.list_audit_events()', 'P0001', 'forbidden', 'an employee cannot read the audit log');
select tests.act_as('client_a');
select throws_ok('select * from public.list_audit_events()', 'P0001', 'forbidden', 'a client cannot');
select tests.authenticate_as('lawyer', 'aal1');
select throws_ok('select * from public.list_audit_events()', 'P0001', 'mfa_required', 'the admin in an aal1 session cannot');

select * from finish();
rollback;
