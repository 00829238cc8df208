-- Test: no portal function is executable by anon or PUBLIC; authenticated may execute exactly the
-- RPCs meant for the app; the hooks only by GoTrue's role; the outbox RPCs only by the service role.
begin;
select plan(6);

select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
     from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private', 'ops') and has_function_privilege('anon', p.oid, 'execute')),
  '{}'::text[], 'anon (and so PUBLIC) can execute no function in public, private or ops');

select set_eq(
  $$select p.proname::text from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
     where n.nspname = 'public' and has_function_privilege('authenticated', p.oid, 'execute')$$,
  array['my_access_state', 'my_sessions', 'request_email_code', 'verify_email_code', 'remove_email_factor',
        'invite_to_matter', 'invite_to_client', 'invite_staff', 'accept_invitation', 'revoke_invitation',
        'start_conversation', 'open_ticket', 'set_ticket_status', 'read_internal_notes', 'reply_to_ticket',
        'add_internal_note', 'mark_ticket_seen', 'list_tickets', 'ticket_status_counts', 'my_unread_ticket_count',
        'upload_limits', 'create_document_upload', 'complete_document_upload', 'release_document', 'delete_document',
        'document_download_url', 'list_audit_events', 'reset_user_factors', 'can_reset_factors',
        'list_clients', 'save_client', 'set_client_archived', 'client_users', 'remove_client_user',
        'deactivate_account', 'reactivate_account', 'list_people', 'person_sessions', 'end_person_sessions',
        'resend_invitation', 'verify_audit_chain', 'audit_events_csv', 'access_review_client',
        'access_review_matter', 'access_review_person', 'gdpr_export', 'gdpr_erasure_preview', 'erase_person',
        'staff_attention', 'backup_overview', 'list_backup_runs', 'backup_size_history', 'request_backup',
        'send_message', 'mark_conversation_read', 'list_messages', 'list_conversations', 'my_unread_message_count',
        'message_recipients', 'chat_availability', 'set_chat_office_hours', 'start_or_resume_chat', 'take_chat',
        'close_chat', 'list_open_chats',
        'list_matters', 'matter_overview', 'create_matter', 'update_matter', 'add_matter_staff', 'remove_matter_member',
        'list_documents', 'document_folders', 'document_versions', 'document_downloads', 'release_documents',
        'restore_document', 'file_documents', 'mark_document_seen',
        'save_page', 'set_page_published', 'set_page_archived', 'mark_page_read', 'list_pages', 'get_page',
        'preview_page_as', 'search_page_audiences', 'respond_to_appointment', 'upcoming_appointments',
        'create_calendar_feed', 'revoke_calendar_feed', 'my_calendar_feed', 'appointment_calendar_entry',
        'save_appointment', 'delete_appointment'],
  'authenticated can execute exactly the portal RPCs in public');

select ok(
  has_function_privilege('supabase_auth_admin', 'public.hook_password_verification_attempt(jsonb)', 'execute')
  and has_function_privilege('supabase_auth_admin', 'public.hook_mfa_verification_attempt(jsonb)', 'execute')
  and has_function_privilege('supabase_auth_admin', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'GoTrue''s role can execute the verification and access token hooks');
select ok(
  not has_function_privilege('authenticated', 'public.hook_password_verification_attempt(jsonb)', 'execute')
  and not has_function_privilege('service_role', 'public.hook_password_verification_attempt(jsonb)', 'execute')
  and not has_function_privilege('authenticated', 'public.hook_mfa_verification_attempt(jsonb)', 'execute')
  and not has_function_privilege('authenticated', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'nobody else can execute the hooks (no self-made lockouts)');
select ok(
  has_function_privilege('service_role', 'public.claim_outbox_mail(integer, uuid[])', 'execute')
  and has_function_privilege('service_role', 'public.complete_outbox_mail(uuid, text)', 'execute'),
  'the service role can work the mail outbox');
select ok(
  not has_function_privilege('authenticated', 'public.claim_outbox_mail(integer, uuid[])', 'execute')
  and not has_function_privilege('authenticated', 'public.complete_outbox_mail(uuid, text)', 'execute'),
  'signed-in users cannot touch the mail outbox');

select * from finish();
rollback;
