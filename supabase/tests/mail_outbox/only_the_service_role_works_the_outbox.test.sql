-- Test: the outbox (with codes and invitation tokens) is invisible to signed-in users; the
-- service role claims mails, completes them, retries with back-off, and the secrets are removed
-- once a mail is sent.
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('client_a2');
select public.request_email_code();
select throws_ok('select * from ops.mail_outbox', '42501', null, 'a signed-in user cannot read the outbox');
select throws_ok('select * from public.claim_outbox_mail()', '42501', null, 'nor claim mails');
select tests.act_as('lawyer');
select throws_ok('select * from ops.mail_outbox', '42501', null, 'not even the admin');

select tests.authenticate_as_service_role();
create temporary table claimed as select * from public.claim_outbox_mail(10);
select is((select count(*)::int from claimed where template = 'mfa_email_code'), 1, 'the service role claims the code mail');
select is((select count(*)::int from public.claim_outbox_mail(10)), 0, 'claimed mails are not handed out twice');
select lives_ok($$select public.complete_outbox_mail((select id from claimed), 'smtp timeout')$$, 'a failure is recorded');
select is((select status || '/' || attempts from ops.mail_outbox where id = (select id from claimed)), 'pending/1',
  'the mail waits for another attempt');
select throws_ok($$select public.complete_outbox_mail((select id from claimed))$$, 'P0001', 'mail_not_sending',
  'only claimed mails can be completed');
select tests.clear_authentication();
update ops.mail_outbox set next_attempt_at = now() where id = (select id from claimed);
select tests.authenticate_as_service_role();
select public.claim_outbox_mail(10);
select public.complete_outbox_mail((select id from claimed));
select is((select status || '/' || (data ? 'secret')::text from ops.mail_outbox where id = (select id from claimed)), 'sent/false',
  'once sent, the code is gone from the outbox');

select * from finish();
rollback;
