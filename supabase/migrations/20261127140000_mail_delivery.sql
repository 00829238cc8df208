-- Delivery of the mail outbox by the `mail` edge function (edge-functions/mail/).
--
-- Two ways start a delivery run, both as Supabase's "Scheduling Edge Functions" guide shows:
-- net.http_post to <project_url>/functions/v1/mail with the service-role key, both from Vault.
--   * Right after an insert: a statement trigger on ops.mail_outbox posts the new mails' ids, so a
--     code or an invitation leaves within a second. pg_net sends only after commit, so a rolled-back
--     action mails nothing.
--   * Every minute (pg_cron): retries whose back-off ended, mails whose kick was lost (API down,
--     secrets missing) and stale claims. The job posts only when something is due.
-- Runs may overlap: claim_outbox_mail locks rows with `for update skip locked` and marks them
-- `sending`, so each mail goes to one run only (a claim older than 10 minutes is taken over).
--
-- Production must store both Vault secrets once (seed.sql does it locally):
--   select vault.create_secret('https://<api host>', 'project_url');
--   select vault.create_secret('<service role key>', 'service_role_key');
-- Without them mails stay queued (a warning per attempt) and go out once the secrets exist.

-- The one definition of "due", shared by the claim and the minute job (inlined by the planner).
create function private.outbox_mail_due(status text, next_attempt_at timestamptz, locked_at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select (status = 'pending' and next_attempt_at <= now())
      or (status = 'sending' and locked_at < now() - interval '10 minutes')
$$;

-- Replaces the claim of 20261127090000: mail_ids limits a run to the mails whose insert started it.
drop function public.claim_outbox_mail(integer);

create function public.claim_outbox_mail(max_count integer default 20, mail_ids uuid[] default null)
returns table (id uuid, template text, locale text, recipient text, data jsonb, attempts integer)
language sql
volatile
security definer
set search_path = ''
as $$
  update ops.mail_outbox as o
     set status = 'sending', locked_at = now(), attempts = o.attempts + 1
   where o.id in (select due.id from ops.mail_outbox as due
                   where private.outbox_mail_due(due.status, due.next_attempt_at, due.locked_at)
                     and (claim_outbox_mail.mail_ids is null or due.id = any (claim_outbox_mail.mail_ids))
                   order by due.next_attempt_at
                   limit greatest(least(coalesce(max_count, 20), 100), 1)
                   for update skip locked)
  returning o.id, o.template, o.locale, o.recipient, o.data, o.attempts
$$;
comment on function public.claim_outbox_mail(integer, uuid[]) is
  'Service role: locks up to max_count due mails (at most 100; only those in mail_ids when given) for sending and returns them. Rows another run holds are skipped.';

revoke execute on function public.claim_outbox_mail(integer, uuid[]) from public, anon, authenticated;
grant execute on function public.claim_outbox_mail(integer, uuid[]) to service_role;

-- Asks the mail function to send (the given mails, or everything due). Never fails the caller's
-- transaction: without the Vault secrets it only warns, and the minute job retries.
create function private.request_mail_delivery(mail_ids uuid[] default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  api_url text := (select s.decrypted_secret from vault.decrypted_secrets as s where s.name = 'project_url');
  service_key text := (select s.decrypted_secret from vault.decrypted_secrets as s where s.name = 'service_role_key');
begin
  if api_url is null or service_key is null then
    raise warning 'mail delivery: Vault has no project_url or service_role_key; the mail outbox waits for them';
    return null;
  end if;
  return net.http_post(
    url := rtrim(api_url, '/') || '/functions/v1/mail',
    body := case when mail_ids is null then '{}'::jsonb else jsonb_build_object('mail_ids', to_jsonb(mail_ids)) end,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || service_key),
    -- a run sends up to a few batches over SMTP; pg_net's default of 5 s would cut it off
    timeout_milliseconds := 30000
  );
end;
$$;
comment on function private.request_mail_delivery(uuid[]) is
  'Posts to the mail edge function (URL and service-role key from Vault): deliver these mails, or all due ones when null.';

create function private.request_delivery_of_new_mail()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  due_ids uuid[] := array(select q.id from new_mail as q
                           where private.outbox_mail_due(q.status, q.next_attempt_at, q.locked_at));
begin
  if cardinality(due_ids) > 0 then
    perform private.request_mail_delivery(due_ids);
  end if;
  return null;
end;
$$;

create trigger mail_outbox_request_delivery
  after insert on ops.mail_outbox
  referencing new table as new_mail
  for each statement execute function private.request_delivery_of_new_mail();

create function private.request_delivery_of_due_mail()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from ops.mail_outbox as o where private.outbox_mail_due(o.status, o.next_attempt_at, o.locked_at)) then
    perform private.request_mail_delivery();
  end if;
end;
$$;
comment on function private.request_delivery_of_due_mail() is
  'Every minute (pg_cron): starts a mail run when retries, missed or stale mails are due.';

select cron.schedule('portal-mail-outbox', '* * * * *', 'select private.request_delivery_of_due_mail()');
