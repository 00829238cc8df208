-- Test: the anon role (no sign-in) reads no portal table, calls no portal RPC, and receives
-- nothing from Storage or Realtime.
begin;
select plan(28);

select tests.create_portal_world();
select tests.authenticate_as_anon();

select throws_ok(format('select * from public.%I', t.tablename), '42501', null,
                 format('anon cannot read public.%s', t.tablename))
  from pg_tables as t where t.schemaname = 'public' and t.tablename in (
    'profiles', 'staff', 'clients', 'client_members', 'client_groups', 'client_group_members', 'matters',
    'matter_members', 'invitations', 'pages', 'page_audiences', 'appointments', 'conversations',
    'conversation_participants', 'messages', 'message_attachments', 'tickets', 'ticket_replies',
    'ticket_internal_notes', 'ticket_status_history', 'documents', 'notifications')
 order by t.tablename;

select throws_ok($$select public.accept_invitation('x')$$, '42501', null, 'anon cannot accept invitations');
select throws_ok($$select public.request_email_code()$$, '42501', null, 'anon cannot request e-mail codes');
select throws_ok($$select public.my_access_state()$$, '42501', null, 'anon cannot ask for an access state');
select throws_ok($$select * from public.my_sessions()$$, '42501', null, 'anon cannot list sessions');
select is((select count(*)::int from storage.objects where bucket_id = 'documents'), 0, 'anon sees no document objects');
select is(tests.can_receive('user:' || tests.fixture('client_a')), false, 'anon cannot join a user topic');

select * from finish();
rollback;
