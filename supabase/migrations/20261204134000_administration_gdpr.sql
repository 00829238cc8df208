-- Administration, part 5: GDPR — export everything the portal holds about a person (Art. 15/20)
-- and erasure as anonymisation (Art. 17 with the exceptions of Art. 17(3)(b) and (e)).
--
-- * gdpr_export(): one JSON document (profile, account, memberships, messages, tickets and
--   replies, uploaded documents with their Storage paths, notifications, audit events by or about
--   them). The `gdpr-export` edge function calls it as the admin, adds the files and streams a ZIP.
--   Audited as gdpr.exported.
-- * gdpr_erasure_preview(): what will go and what stays and why, for the confirmation.
-- * erase_person(): the sign-in (auth.users with identities, sessions, factors) and the profile go;
--   memberships, notifications, e-mail factors, open mails and invitations to the address go with
--   them. What the firm must keep stays, without the name: messages, tickets and replies keep their
--   text with the author null ("ehemaliger Nutzer" in the app) because they are part of the matter
--   file; uploaded documents stay under the professional retention duty (§ 50 BRAO: six years) and
--   are marked retained_after_erasure_at; audit events stay (tamper-evident, they prove what
--   happened) with the bare user id. The erasure record keeps only that id, the time and who erased.
-- Admins only, never themselves; staff are not erased here (their records follow employment
-- law): deactivate them instead. The confirmation must repeat the person's name.

alter table public.documents add column retained_after_erasure_at timestamptz;
comment on column public.documents.retained_after_erasure_at is
  'Set when the uploader''s account was erased: the file stays under the firm''s retention duty (§ 50 BRAO), no longer linked to a person.';

create table private.erasures (
  user_id   uuid primary key,
  erased_at timestamptz not null default now(),
  erased_by uuid references auth.users (id) on delete set null,
  kept      jsonb not null default '{}'::jsonb
);
comment on table private.erasures is
  'Erased accounts: only the former user id (to read old audit events), when, by whom, and how much was kept.';
create index erasures_erased_by_idx on private.erasures (erased_by);
alter table private.erasures enable row level security;
revoke all on private.erasures from public, anon, authenticated;
grant select on private.erasures to service_role;

create function private.require_gdpr_target(target_user_id uuid)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_admin();
begin
  if not exists (select 1 from auth.users as u where u.id = target_user_id) then
    raise exception using errcode = 'P0001', message = 'user_not_found';
  end if;
  return uid;
end;
$$;

create function public.gdpr_export(target_user_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  result jsonb;
begin
  perform private.require_gdpr_target(target_user_id);
  select jsonb_build_object(
    'format', 'mandantenportal-gdpr-export/1',
    'exported_at', now(),
    'profile', (select to_jsonb(p) from public.profiles as p where p.id = target_user_id),
    'account', (select jsonb_build_object('email', u.email, 'created_at', u.created_at, 'last_sign_in_at', u.last_sign_in_at,
                                          'second_factors', (select coalesce(jsonb_agg(f.factor_type order by f.created_at), '[]'::jsonb)
                                                               from auth.mfa_factors as f where f.user_id = u.id and f.status = 'verified')
                                                            || case when exists (select 1 from private.email_factors as e where e.user_id = u.id)
                                                                    then '["email"]'::jsonb else '[]'::jsonb end,
                                          'deactivated_at', (select d.deactivated_at from private.account_deactivations as d where d.user_id = u.id))
                  from auth.users as u where u.id = target_user_id),
    'staff', (select to_jsonb(s) from public.staff as s where s.user_id = target_user_id),
    'client_memberships', (select coalesce(jsonb_agg(jsonb_build_object('client', c.name, 'reference_number', c.reference_number,
                                                                        'role', cm.role, 'since', cm.created_at) order by c.name), '[]'::jsonb)
                             from public.client_members as cm join public.clients as c on c.id = cm.client_id
                            where cm.user_id = target_user_id),
    'matter_memberships', (select coalesce(jsonb_agg(jsonb_build_object('matter', m.title, 'reference', m.reference,
                                                                        'role', mm.role, 'since', mm.created_at) order by m.title), '[]'::jsonb)
                             from public.matter_members as mm join public.matters as m on m.id = mm.matter_id
                            where mm.user_id = target_user_id),
    'sessions', (select coalesce(jsonb_agg(jsonb_build_object('created_at', s.created_at, 'user_agent', s.user_agent, 'ip', host(s.ip))
                                           order by s.created_at), '[]'::jsonb)
                   from auth.sessions as s where s.user_id = target_user_id),
    'messages', (select coalesce(jsonb_agg(jsonb_build_object('id', msg.id, 'conversation', coalesce(cv.subject, cv.kind),
                                                              'created_at', msg.created_at, 'edited_at', msg.edited_at,
                                                              'deleted_at', msg.deleted_at, 'body', msg.body) order by msg.created_at), '[]'::jsonb)
                   from public.messages as msg join public.conversations as cv on cv.id = msg.conversation_id
                  where msg.author_id = target_user_id),
    'tickets', (select coalesce(jsonb_agg(jsonb_build_object('number', t.number, 'subject', t.subject, 'status', t.status,
                                                             'created_at', t.created_at) order by t.created_at), '[]'::jsonb)
                  from public.tickets as t where t.created_by = target_user_id),
    'ticket_replies', (select coalesce(jsonb_agg(jsonb_build_object('ticket_number', t.number, 'created_at', r.created_at,
                                                                    'body', r.body) order by r.created_at), '[]'::jsonb)
                         from public.ticket_replies as r join public.tickets as t on t.id = r.ticket_id
                        where r.author_id = target_user_id),
    'documents', (select coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'name', d.name, 'version', d.version,
                                                               'matter', m.title, 'size_bytes', d.size_bytes, 'mime_type', d.mime_type,
                                                               'sha256', d.sha256, 'uploaded_at', d.uploaded_at, 'deleted_at', d.deleted_at,
                                                               'bucket', 'documents', 'storage_path', d.storage_path) order by d.created_at), '[]'::jsonb)
                    from public.documents as d join public.matters as m on m.id = d.matter_id
                   where d.uploaded_by = target_user_id and d.uploaded_at is not null),
    'notifications', (select coalesce(jsonb_agg(to_jsonb(n) - 'user_id' order by n.created_at), '[]'::jsonb)
                        from public.notifications as n where n.user_id = target_user_id),
    'audit_events', (select coalesce(jsonb_agg(jsonb_build_object('occurred_at', e.occurred_at, 'action', e.action,
                                                                  'entity_type', e.entity_type, 'entity_id', e.entity_id,
                                                                  'by_this_person', e.actor_id = target_user_id,
                                                                  'details', e.details, 'ip', host(e.ip)) order by e.occurred_at), '[]'::jsonb)
                       from ops.audit_events as e
                      where e.actor_id = target_user_id or e.entity_id = target_user_id::text))
    into result;
  perform private.audit('gdpr.exported', 'user', target_user_id::text, jsonb_build_object(
    'messages', jsonb_array_length(result -> 'messages'), 'documents', jsonb_array_length(result -> 'documents'),
    'audit_events', jsonb_array_length(result -> 'audit_events')));
  return result;
end;
$$;
comment on function public.gdpr_export(uuid) is
  'Admins: everything the portal holds about a person as one JSON document (with the Storage paths of their uploads); audited. Errors: forbidden, mfa_required, user_not_found.';

create function public.gdpr_erasure_preview(target_user_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_gdpr_target(target_user_id);
  return jsonb_build_object(
    'user_id', target_user_id,
    'display_name', (select p.display_name from public.profiles as p where p.id = target_user_id),
    'refusal', case when private.user_is_staff(target_user_id) then 'staff_not_erasable'
                    when target_user_id = auth.uid() then 'forbidden' end,
    'removed', jsonb_build_object(
      'client_memberships', (select count(*) from public.client_members as cm where cm.user_id = target_user_id),
      'matter_memberships', (select count(*) from public.matter_members as mm where mm.user_id = target_user_id),
      'sessions', (select count(*) from auth.sessions as s where s.user_id = target_user_id),
      'notifications', (select count(*) from public.notifications as n where n.user_id = target_user_id)),
    'kept', jsonb_build_object(
      'messages', (select count(*) from public.messages as m where m.author_id = target_user_id),
      'tickets', (select count(*) from public.tickets as t where t.created_by = target_user_id)
                 + (select count(*) from public.ticket_replies as r where r.author_id = target_user_id),
      'documents', (select count(*) from public.documents as d where d.uploaded_by = target_user_id and d.uploaded_at is not null),
      'audit_events', (select count(*) from ops.audit_events as e where e.actor_id = target_user_id or e.entity_id = target_user_id::text)));
end;
$$;
comment on function public.gdpr_erasure_preview(uuid) is
  'Admins: what erase_person would remove (sign-in, profile, memberships, sessions, notifications) and keep (messages and tickets without the name, documents under retention, audit events), and refusal when it cannot (staff_not_erasable, forbidden). Errors: forbidden, mfa_required, user_not_found.';

create function public.erase_person(target_user_id uuid, confirm_name text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_gdpr_target(target_user_id);
  preview jsonb := public.gdpr_erasure_preview(target_user_id);
  address text := (select lower(u.email) from auth.users as u where u.id = target_user_id);
begin
  if preview ->> 'refusal' is not null then
    raise exception using errcode = 'P0001', message = preview ->> 'refusal',
      detail = 'Staff are not erased here: deactivate them. Nobody erases themselves.';
  end if;
  if btrim(coalesce(confirm_name, '')) is distinct from btrim(preview ->> 'display_name') then
    raise exception using errcode = 'P0001', message = 'confirmation_mismatch', detail = 'Type the person''s name to confirm.';
  end if;

  update public.documents as d set retained_after_erasure_at = now()
   where d.uploaded_by = target_user_id and d.uploaded_at is not null;
  -- Pending uploads were never confirmed: nothing to retain.
  delete from public.documents as d where d.uploaded_by = target_user_id and d.uploaded_at is null;
  delete from ops.mail_outbox as o where o.user_id = target_user_id or lower(o.recipient) = address;
  update public.invitations as i set email = 'ehemaliger-nutzer@' || i.id || '.invalid' where i.email = address;
  insert into private.erasures (user_id, erased_by, kept) values (target_user_id, uid, preview -> 'kept');
  perform private.audit('gdpr.erased', 'user', target_user_id::text, jsonb_build_object('kept', preview -> 'kept', 'removed', preview -> 'removed'));
  perform private.end_sessions(target_user_id);
  -- The account with its identities, factors and profile; authored rows keep their text (author null).
  delete from auth.users as u where u.id = target_user_id;
  return jsonb_build_object('user_id', target_user_id, 'kept', preview -> 'kept', 'removed', preview -> 'removed');
end;
$$;
comment on function public.erase_person(uuid, text) is
  'Admins: erases a client user or guest as anonymisation (sign-in and profile removed, authored content kept without the name, uploads kept under retention and marked, audit events kept); confirm_name must repeat the display name. Errors: forbidden, mfa_required, user_not_found, staff_not_erasable, confirmation_mismatch.';

revoke execute on function private.require_gdpr_target(uuid) from public;
revoke execute on function public.gdpr_export(uuid), public.gdpr_erasure_preview(uuid), public.erase_person(uuid, text) from public;
grant execute on function public.gdpr_export(uuid), public.gdpr_erasure_preview(uuid), public.erase_person(uuid, text) to authenticated;
