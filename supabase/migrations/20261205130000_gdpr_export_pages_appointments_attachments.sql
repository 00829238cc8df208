-- GDPR export, part 2: what the person did with pages, appointments and the calendar feed, and
-- every file they uploaded wherever it lives (20261204134000 listed matter documents only).
--
-- * page_reads: which page they opened when (title and slug, as the person saw it).
-- * appointment_responses: the answers they gave for their client (with the wish as the note).
-- * calendar_feed: that a feed address exists, since when and when it was last fetched; never its
--   secret (only its hash is stored, and even that stays in the database).
-- * documents: matter documents, ticket and message attachments they uploaded, each with its
--   home (`matter`, `ticket`, `conversation`, or `unattached` for an upload whose text was never
--   sent), so the gdpr-export function adds their files too.
--   Files others uploaded into the person's conversations are not the person's data to take.

create or replace function public.gdpr_export(target_user_id uuid)
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
    'format', 'mandantenportal-gdpr-export/2',
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
    'page_reads', (select coalesce(jsonb_agg(jsonb_build_object('page', p.title, 'slug', p.slug, 'read_at', r.read_at)
                                             order by r.read_at), '[]'::jsonb)
                     from public.page_reads as r join public.pages as p on p.id = r.page_id
                    where r.user_id = target_user_id),
    'appointment_responses', (select coalesce(jsonb_agg(jsonb_build_object('appointment', a.title, 'starts_at', a.starts_at,
                                                                           'client', c.name, 'response', r.response, 'note', r.note,
                                                                           'responded_at', r.responded_at) order by r.responded_at), '[]'::jsonb)
                                from public.appointment_responses as r
                                join public.appointments as a on a.id = r.appointment_id
                                join public.clients as c on c.id = r.client_id
                               where r.responded_by = target_user_id),
    'calendar_feed', (select jsonb_build_object('created_at', f.created_at, 'last_used_at', f.last_used_at)
                        from private.calendar_feeds as f where f.user_id = target_user_id),
    'documents', (select coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'name', d.name, 'version', d.version,
                                                               'home', case when d.matter_id is not null then 'matter'
                                                                            when d.ticket_id is not null then 'ticket'
                                                                            when d.conversation_id is not null then 'conversation'
                                                                            else 'unattached' end,
                                                               'matter', m.title, 'ticket_number', t.number,
                                                               'conversation', coalesce(cv.subject, cv.kind),
                                                               'size_bytes', d.size_bytes, 'mime_type', d.mime_type,
                                                               'sha256', d.sha256, 'uploaded_at', d.uploaded_at, 'deleted_at', d.deleted_at,
                                                               'bucket', 'documents', 'storage_path', d.storage_path) order by d.created_at), '[]'::jsonb)
                    from public.documents as d
                    left join public.matters as m on m.id = d.matter_id
                    left join public.tickets as t on t.id = d.ticket_id
                    left join public.conversations as cv on cv.id = d.conversation_id
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
  'Admins: everything the portal holds about a person as one JSON document (page reads, appointment answers, whether a calendar feed exists but never its secret, and the Storage paths of every file they uploaded: matter documents, ticket and message attachments); audited. Errors: forbidden, mfa_required, user_not_found.';
