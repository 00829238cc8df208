-- Test: queuing a mail asks the mail function (URL and service-role key from Vault) to send
-- exactly the new mails; mails queued for later start nothing; the minute job posts only when
-- something is due; a run started for some mails claims only those.
begin;
select plan(8);

select tests.create_portal_world();
delete from net.http_request_queue;

select tests.act_as('client_a2');
select public.request_email_code();
select tests.clear_authentication();
select tests.remember('code_mail', (select id from ops.mail_outbox where template = 'mfa_email_code' and user_id = tests.get_user_id('client_a2')));

select is((select count(*)::int from net.http_request_queue), 1, 'one request for the new mail');
select is((select method::text || ' ' || url from net.http_request_queue),
  'POST ' || (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/mail',
  'to the mail function at the project URL from Vault');
select is((select headers ->> 'Authorization' from net.http_request_queue),
  'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'),
  'with the service-role key from Vault');
select is((select convert_from(body, 'UTF8')::jsonb from net.http_request_queue),
  jsonb_build_object('mail_ids', jsonb_build_array(tests.fixture('code_mail'))), 'naming just that mail');

delete from net.http_request_queue;
update ops.mail_outbox set status = 'sent' where status in ('pending', 'sending');
insert into ops.mail_outbox (template, recipient, next_attempt_at) values ('mfa_email_code', 'later@test.example', now() + interval '1 hour');
select is((select count(*)::int from net.http_request_queue), 0, 'a mail queued for later starts no run');
select private.request_delivery_of_due_mail();
select is((select count(*)::int from net.http_request_queue), 0, 'nor does the minute job while nothing is due');

update ops.mail_outbox set status = 'pending', next_attempt_at = now() where id = tests.fixture('code_mail');
insert into ops.mail_outbox (template, recipient) values ('mfa_email_code', 'other@test.example');
delete from net.http_request_queue;
select private.request_delivery_of_due_mail();
select is((select convert_from(body, 'UTF8')::jsonb from net.http_request_queue), '{}'::jsonb,
  'with due mail, the minute job starts a run for everything due');

select tests.authenticate_as_service_role();
select is((select array_agg(id) from public.claim_outbox_mail(10, array[tests.fixture('code_mail')])), array[tests.fixture('code_mail')],
  'a run for given mails claims only those');

select * from finish();
rollback;
