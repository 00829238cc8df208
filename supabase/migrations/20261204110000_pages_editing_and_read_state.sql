-- Sonderseiten, the staff side and the read state: stable slugs for links, archiving, a history
-- of every change, per-person read marks, and the RPCs the editor and the lists use.
--
-- The visibility helpers and those that shape what a viewer sees are plpgsql: their plans are
-- cached per connection, where a SQL function that cannot be inlined (it sets search_path) is
-- planned on every call, and policies call them on every statement.
--
-- Visibility stays one rule, written once: private.page_ids_for(user) (published, not archived,
-- addressed to one of the user's clients or a group of one). The policies call it for the caller
-- (private.my_page_ids()); the preview and the calendar feed call it for the person concerned.
--
-- "New or changed" for a reader: content_changed_at moves when a page is published and when its
-- title or body change while it is published; a page is unread for a person until their read mark
-- (page_reads, written by mark_page_read when the page is opened) is at least that recent.
--
-- Staff write pages through save_page (page and audiences in one step, idempotent under the
-- client-generated id), set_page_published and set_page_archived. Archiving takes a page off
-- every client's list and makes it a draft again; restoring keeps it a draft.

-- ---------------------------------------------------------------------------------------------
-- Columns
-- ---------------------------------------------------------------------------------------------

create function private.slugify(value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce(nullif(left(btrim(regexp_replace(
           lower(translate(replace(replace(replace(replace(coalesce(value, ''), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'),
                           'ÄÖÜàáâãåèéêëìíîïòóôõùúûýÿçñ', 'äöüaaaaaeeeeiiiiooooouuuyycn')),
           '[^a-z0-9]+', '-', 'g'), '-'), 60), ''), 'seite')
$$;
comment on function private.slugify(text) is 'A URL-safe slug of a title: German umlauts transliterated, anything else outside a-z0-9 as one hyphen, at most 60 characters.';

alter table public.pages
  add column slug text,
  add column archived_at timestamptz,
  add column content_changed_at timestamptz,
  add column updated_by uuid default auth.uid() references public.profiles (id) on delete set null,
  add column listed_at timestamptz generated always as (coalesce(published_at, created_at)) stored;

-- The slug is made once from the first title and the id's last 8 hex digits (unique without counting other
-- pages, so it tells nobody how many pages with that title exist); renaming keeps links working.
-- Definer: staff also insert pages straight through REST, and slugify is not theirs to call.
create function private.assign_page_slug()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.slug := private.slugify(new.title) || '-' || right(replace(new.id::text, '-', ''), 8);
  return new;
end;
$$;
create trigger pages_assign_slug
  before insert on public.pages
  for each row execute function private.assign_page_slug();

update public.pages set slug = private.slugify(title) || '-' || right(replace(id::text, '-', ''), 8),
                        content_changed_at = published_at;
alter table public.pages alter column slug set not null,
  add constraint pages_slug_unique unique (slug);

create index pages_updated_by_idx on public.pages (updated_by);
-- Lists: pinned first, then newest; the staff list by status, the client list through its ids.
create index pages_list_idx on public.pages (pinned desc, listed_at desc, id desc) where archived_at is null;
create index pages_archived_list_idx on public.pages (listed_at desc, id desc) where archived_at is not null;

create or replace function private.stamp_page_publication()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.published and (tg_op = 'INSERT' or not old.published) then
    new.published_at := now();
    new.content_changed_at := now();
  elsif not new.published then
    new.published_at := null;
  elsif tg_op = 'UPDATE' and (new.title is distinct from old.title or new.body is distinct from old.body) then
    new.content_changed_at := now();
  end if;
  if tg_op = 'UPDATE' then
    new.updated_by := auth.uid();
  end if;
  return new;
end;
$$;

drop trigger pages_stamp_publication on public.pages;
create trigger pages_stamp_publication
  before insert or update on public.pages
  for each row execute function private.stamp_page_publication();

-- ---------------------------------------------------------------------------------------------
-- Visibility, written once
-- ---------------------------------------------------------------------------------------------

create function private.user_client_ids(user_id uuid)
returns setof uuid
language plpgsql
stable
security definer
rows 2
set search_path = ''
as $$
begin
  return query
    select cm.client_id from public.client_members as cm where cm.user_id = user_client_ids.user_id;
end;
$$;

create function private.page_ids_for(user_id uuid)
returns setof uuid
language plpgsql
stable
security definer
rows 50
set search_path = ''
as $$
begin
  -- Joins through client_members (not a set-returning helper the planner would guess at 1,000
  -- rows): two index lookups, by client and by group, instead of a walk over every audience row.
  return query
    select p.id from public.pages as p
     where p.published and p.archived_at is null
       and p.id in (select a.page_id from public.page_audiences as a
                      join public.client_members as cm on cm.client_id = a.client_id
                     where cm.user_id = page_ids_for.user_id
                    union
                    select a.page_id from public.page_audiences as a
                      join public.client_group_members as gm on gm.group_id = a.group_id
                      join public.client_members as cm on cm.client_id = gm.client_id
                     where cm.user_id = page_ids_for.user_id);
end;
$$;
comment on function private.page_ids_for(uuid) is
  'Published, not archived pages addressed to one of the user''s clients or to a group of one: the one rule behind the policies, the preview and the calendar feed.';

create or replace function private.my_page_ids()
returns setof uuid
language plpgsql
stable
security definer
rows 50
set search_path = ''
as $$
begin
  return query
    select private.page_ids_for(auth.uid());
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Read state and history
-- ---------------------------------------------------------------------------------------------

create table public.page_reads (
  user_id uuid not null references public.profiles (id) on delete cascade,
  page_id uuid not null references public.pages (id) on delete cascade,
  read_at timestamptz not null default now(),
  primary key (user_id, page_id)
);
comment on table public.page_reads is 'When a person last opened a page; written by mark_page_read only.';
create index page_reads_page_id_idx on public.page_reads (page_id);
alter table public.page_reads enable row level security;
create policy "Only sessions that passed the second factor get access"
  on public.page_reads as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Users can read their own read marks"
  on public.page_reads for select to authenticated
  using (user_id = (select auth.uid()));
revoke all on public.page_reads from anon, authenticated;
grant all on public.page_reads to service_role;
grant select on public.page_reads to authenticated;

create table public.page_revisions (
  id         bigint generated always as identity primary key,
  page_id    uuid not null references public.pages (id) on delete cascade,
  changed_by uuid references public.profiles (id) on delete set null,
  changed_at timestamptz not null default now(),
  action     text not null check (action in ('created', 'edited', 'published', 'unpublished', 'pinned', 'unpinned',
                                              'archived', 'restored', 'audience_added', 'audience_removed')),
  details    jsonb not null default '{}'::jsonb
);
comment on table public.page_revisions is
  'A page''s history: who changed what, when (edits keep the title and body they replaced); staff only; written by triggers.';
create index page_revisions_page_id_idx on public.page_revisions (page_id, id desc);
create index page_revisions_changed_by_idx on public.page_revisions (changed_by);
alter table public.page_revisions enable row level security;
create policy "Only sessions that passed the second factor get access"
  on public.page_revisions as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read page histories"
  on public.page_revisions for select to authenticated
  using ((select private.is_staff()));
revoke all on public.page_revisions from anon, authenticated;
grant all on public.page_revisions to service_role;
grant select on public.page_revisions to authenticated;

create function private.record_page_revision()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  actor uuid := auth.uid();
begin
  if tg_op = 'INSERT' then
    insert into public.page_revisions (page_id, changed_by, action, details)
    values (new.id, coalesce(actor, new.created_by), 'created', jsonb_build_object('title', new.title));
    if new.published then
      insert into public.page_revisions (page_id, changed_by, action) values (new.id, coalesce(actor, new.created_by), 'published');
    end if;
    return null;
  end if;
  if new.title is distinct from old.title or new.body is distinct from old.body then
    insert into public.page_revisions (page_id, changed_by, action, details)
    values (new.id, actor, 'edited', jsonb_strip_nulls(jsonb_build_object(
      'fields', to_jsonb(array_remove(array[case when new.title is distinct from old.title then 'title' end,
                                            case when new.body is distinct from old.body then 'body' end], null)),
      'previous_title', case when new.title is distinct from old.title then old.title end,
      'previous_body', case when new.body is distinct from old.body then old.body end)));
  end if;
  if new.archived_at is distinct from old.archived_at then
    insert into public.page_revisions (page_id, changed_by, action)
    values (new.id, actor, case when new.archived_at is null then 'restored' else 'archived' end);
  end if;
  if new.published is distinct from old.published then
    insert into public.page_revisions (page_id, changed_by, action)
    values (new.id, actor, case when new.published then 'published' else 'unpublished' end);
  end if;
  if new.pinned is distinct from old.pinned then
    insert into public.page_revisions (page_id, changed_by, action)
    values (new.id, actor, case when new.pinned then 'pinned' else 'unpinned' end);
  end if;
  return null;
end;
$$;
create trigger pages_record_revision
  after insert or update on public.pages
  for each row execute function private.record_page_revision();

create function private.record_page_audience_revision()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  audience public.page_audiences := case when tg_op = 'DELETE' then old else new end;
begin
  -- A page deleted with its audiences leaves no history to write to.
  if not exists (select 1 from public.pages as p where p.id = audience.page_id) then
    return null;
  end if;
  insert into public.page_revisions (page_id, changed_by, action, details)
  values (audience.page_id, auth.uid(), case when tg_op = 'DELETE' then 'audience_removed' else 'audience_added' end,
          jsonb_strip_nulls(jsonb_build_object(
            'client_id', audience.client_id, 'group_id', audience.group_id,
            'name', coalesce((select c.name from public.clients as c where c.id = audience.client_id),
                             (select g.name from public.client_groups as g where g.id = audience.group_id)))));
  return null;
end;
$$;
create trigger page_audiences_record_revision
  after insert or delete on public.page_audiences
  for each row execute function private.record_page_audience_revision();

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------


create function public.save_page(
  page_id uuid,
  title text,
  body text,
  pinned boolean default false,
  client_ids uuid[] default '{}',
  group_ids uuid[] default '{}'
)
returns public.pages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_staff();
  clean_title text := btrim(coalesce(save_page.title, ''));
  wanted_clients uuid[] := array(select distinct x from unnest(coalesce(save_page.client_ids, '{}')) as x where x is not null);
  wanted_groups uuid[] := array(select distinct x from unnest(coalesce(save_page.group_ids, '{}')) as x where x is not null);
  saved public.pages;
begin
  if save_page.page_id is null then
    raise exception using errcode = 'P0001', message = 'page_id_required', hint = 'Generate the id in the client so a retry saves the same page.';
  end if;
  if clean_title = '' then
    raise exception using errcode = 'P0001', message = 'title_required';
  end if;
  if char_length(clean_title) > 300 then
    raise exception using errcode = 'P0001', message = 'title_too_long', detail = 'At most 300 characters.';
  end if;
  if char_length(coalesce(save_page.body, '')) > 200000 then
    raise exception using errcode = 'P0001', message = 'body_too_long', detail = 'At most 200,000 characters.';
  end if;
  if exists (select 1 from unnest(wanted_clients) as w(id) where not exists (select 1 from public.clients as c where c.id = w.id))
     or exists (select 1 from unnest(wanted_groups) as w(id) where not exists (select 1 from public.client_groups as g where g.id = w.id)) then
    raise exception using errcode = 'P0001', message = 'audience_not_found';
  end if;

  insert into public.pages as p (id, title, body, pinned, created_by, updated_by)
  values (save_page.page_id, clean_title, coalesce(save_page.body, ''), coalesce(save_page.pinned, false), uid, uid)
  on conflict (id) do update
    set title = excluded.title, body = excluded.body, pinned = excluded.pinned
    where (p.title, p.body, p.pinned) is distinct from (excluded.title, excluded.body, excluded.pinned)
  returning * into saved;
  if saved.id is null then
    select * into saved from public.pages as p where p.id = save_page.page_id;
  end if;

  if saved.published and cardinality(wanted_clients) + cardinality(wanted_groups) = 0 then
    raise exception using errcode = 'P0001', message = 'audience_required', detail = 'A published page needs at least one client or group.';
  end if;

  delete from public.page_audiences as a
   where a.page_id = saved.id
     and ((a.client_id is not null and a.client_id <> all (wanted_clients))
       or (a.group_id is not null and a.group_id <> all (wanted_groups)));
  insert into public.page_audiences (page_id, client_id)
  select saved.id, w.id from unnest(wanted_clients) as w(id)
  on conflict on constraint page_audiences_client_once do nothing;
  insert into public.page_audiences (page_id, group_id)
  select saved.id, w.id from unnest(wanted_groups) as w(id)
  on conflict on constraint page_audiences_group_once do nothing;
  return saved;
end;
$$;
comment on function public.save_page(uuid, text, text, boolean, uuid[], uuid[]) is
  'Staff: creates or edits a page under its client-generated id and sets its audiences to exactly the given clients and groups (newly reached people of a published page are notified). Errors: forbidden, page_id_required, title_required, title_too_long, body_too_long, audience_not_found, audience_required.';

create function public.set_page_published(page_id uuid, published boolean)
returns public.pages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  page public.pages;
begin
  perform private.require_staff();
  select * into page from public.pages as p where p.id = set_page_published.page_id for update;
  if page.id is null then
    raise exception using errcode = 'P0001', message = 'page_not_found';
  end if;
  if set_page_published.published and page.archived_at is not null then
    raise exception using errcode = 'P0001', message = 'page_archived', hint = 'Restore the page first.';
  end if;
  if set_page_published.published and not exists (select 1 from public.page_audiences as a where a.page_id = page.id) then
    raise exception using errcode = 'P0001', message = 'audience_required', detail = 'Choose at least one client or group first.';
  end if;
  update public.pages as p set published = coalesce(set_page_published.published, false)
   where p.id = page.id and p.published is distinct from coalesce(set_page_published.published, false)
  returning * into page;
  return coalesce(page, (select p from public.pages as p where p.id = set_page_published.page_id));
end;
$$;
comment on function public.set_page_published(uuid, boolean) is
  'Staff: publishes (notifying the audience''s users who were not told yet) or unpublishes a page; repeating is harmless. Errors: forbidden, page_not_found, page_archived, audience_required.';

create function public.set_page_archived(page_id uuid, archived boolean)
returns public.pages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  page public.pages;
begin
  perform private.require_staff();
  update public.pages as p
     set archived_at = case when set_page_archived.archived then coalesce(p.archived_at, now()) end,
         published = case when set_page_archived.archived then false else p.published end
   where p.id = set_page_archived.page_id
  returning * into page;
  if page.id is null then
    raise exception using errcode = 'P0001', message = 'page_not_found';
  end if;
  return page;
end;
$$;
comment on function public.set_page_archived(uuid, boolean) is
  'Staff: archives a page (off every list, unpublished, history kept) or restores it as a draft. Errors: forbidden, page_not_found.';

create function public.mark_page_read(page_id uuid)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  marked timestamptz;
begin
  if not exists (select 1 from private.page_ids_for(uid) as v(id) where v.id = mark_page_read.page_id) then
    if private.user_is_staff(uid) then
      return null;
    end if;
    raise exception using errcode = 'P0001', message = 'page_not_found';
  end if;
  insert into public.page_reads as r (user_id, page_id, read_at) values (uid, mark_page_read.page_id, now())
  on conflict on constraint page_reads_pkey do update set read_at = excluded.read_at
  returning r.read_at into marked;
  update public.notifications as n set read_at = now()
   where n.user_id = uid and n.entity_type = 'page' and n.entity_id = mark_page_read.page_id and n.read_at is null;
  -- Seen in the portal before its mail was due: no mail (20261204112000 mails about new pages).
  perform private.cancel_notification_mails(uid, 'page', mark_page_read.page_id);
  return marked;
end;
$$;
comment on function public.mark_page_read(uuid) is
  'Marks a page read for the caller (its page notifications too, and cancels a mail about it not yet sent); staff opening a page they are not addressed by is a no-op. Errors: page_not_found.';

-- One row per listed page, as the caller may see it: the audience rows are the caller's own view
-- of them (RLS: a client sees only the rows naming it or its groups, never which others a page
-- addresses).
create type public.page_list_item as (
  id                 uuid,
  slug               text,
  title              text,
  excerpt            text,
  pinned             boolean,
  published          boolean,
  published_at       timestamptz,
  listed_at          timestamptz,
  updated_at         timestamptz,
  archived_at        timestamptz,
  content_changed_at timestamptz,
  unread             boolean,
  audiences          jsonb
);

-- Many pages at once, so a list evaluates the audiences' RLS once, not once per page.
create function private.page_audiences_as_seen(page_ids uuid[])
returns table (page_id uuid, audiences jsonb)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return query
    select a.page_id,
           jsonb_agg(jsonb_build_object(
             'kind', case when a.client_id is not null then 'client' else 'group' end,
             'id', coalesce(a.client_id, a.group_id),
             'name', coalesce(c.name, g.name)) order by a.group_id nulls first, coalesce(c.name, g.name))
      from public.page_audiences as a
      left join public.clients as c on c.id = a.client_id
      left join public.client_groups as g on g.id = a.group_id
     where a.page_id = any (page_audiences_as_seen.page_ids)
     group by a.page_id;
end;
$$;
grant execute on function private.page_audiences_as_seen(uuid[]) to authenticated;

create function private.page_excerpt(body text)
returns text
language sql
stable
set search_path = ''
as $$
  -- Markdown signs and link targets out, whitespace folded: a plain preview line for lists.
  select left(btrim(regexp_replace(regexp_replace(regexp_replace(left(coalesce(body, ''), 2000),
           '!?\[([^\]]*)\]\([^)]*\)', '\1', 'g'), '[#*_>`~|-]+', ' ', 'g'), '\s+', ' ', 'g')), 160)
$$;
grant execute on function private.page_excerpt(text) to authenticated;

-- The listed pages (in list order) as list rows for the viewer, in one statement.
create function private.page_list_items(pages public.pages[], viewer uuid)
returns setof public.page_list_item
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return query
    select l.id, l.slug, l.title, private.page_excerpt(l.body), l.pinned, l.published, l.published_at,
           l.listed_at, l.updated_at, l.archived_at, l.content_changed_at,
           l.published and not exists (select 1 from public.page_reads as r
                                        where r.user_id = viewer and r.page_id = l.id and r.read_at >= l.content_changed_at),
           coalesce(seen.audiences, '[]'::jsonb)
      from unnest(page_list_items.pages) with ordinality as l
      left join private.page_audiences_as_seen(array(select x.id from unnest(page_list_items.pages) as x)) as seen on seen.page_id = l.id
     order by l.ordinality;
end;
$$;
grant execute on function private.page_list_items(public.pages[], uuid) to authenticated;

create function public.list_pages(
  status text default null,
  search text default null,
  after_pinned boolean default null,
  after_listed_at timestamptz default null,
  after_id uuid default null,
  max_count integer default 25
)
returns setof public.page_list_item
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  -- private.contains_pattern's rule, inline: this function runs as the caller, who may not call that helper
  pattern text := '%' || replace(replace(replace(btrim(coalesce(search, '')), '\', '\\'), '%', '\%'), '_', '\_') || '%';
begin
  if status is not null and status not in ('draft', 'published', 'archived') then
    raise exception using errcode = 'P0001', message = 'invalid_status';
  end if;
  if max_count is null or max_count < 1 or max_count > 100 then
    raise exception using errcode = 'P0001', message = 'invalid_max_count', detail = 'Between 1 and 100.';
  end if;
  -- RLS decides which rows exist for the caller; the filters only narrow them.
  if not private.is_staff() then
    -- A client's pages are few among many: start from them (by primary key) rather than walk the
    -- list index over every page. Clients see neither drafts nor archived pages.
    return query select * from private.page_list_items(array(
      select p from public.pages as p
       where p.id = any (array(select private.my_page_ids()))
         and p.title ilike pattern and (status is null or status = 'published')
         and (after_id is null
              or (not p.pinned and after_pinned)
              or (p.pinned = after_pinned and (p.listed_at, p.id) < (after_listed_at, after_id)))
       order by p.pinned desc, p.listed_at desc, p.id desc
       limit max_count), uid);
    return;
  end if;
  -- Staff: two branches, so each walks its own index in list order.
  if status = 'archived' then
    return query select * from private.page_list_items(array(
      select p from public.pages as p
       where p.archived_at is not null and p.title ilike pattern
         and (after_id is null or (p.listed_at, p.id) < (after_listed_at, after_id))
       order by p.listed_at desc, p.id desc
       limit max_count), uid);
  else
    return query select * from private.page_list_items(array(
      select p from public.pages as p
       where p.archived_at is null and p.title ilike pattern
         and (status is null or p.published = (status = 'published'))
         and (after_id is null
              or (not p.pinned and after_pinned)
              or (p.pinned = after_pinned and (p.listed_at, p.id) < (after_listed_at, after_id)))
       order by p.pinned desc, p.listed_at desc, p.id desc
       limit max_count), uid);
  end if;
end;
$$;
comment on function public.list_pages(text, text, boolean, timestamptz, uuid, integer) is
  'Pages the caller may see (RLS), pinned first, newest first, keyset-paged by (pinned, listed_at, id); staff filter by status (draft, published, archived; default: all but archived) and title. Errors: invalid_status, invalid_max_count.';

create function public.get_page(slug text)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  page public.pages;
begin
  select * into page from public.pages as p where p.slug = get_page.slug;
  if page.id is null then
    raise exception using errcode = 'P0001', message = 'page_not_found';
  end if;
  -- private.page_as_seen (with the page's appointments) comes with 20261204111000.
  return private.page_as_seen(page, uid);
end;
$$;
comment on function public.get_page(text) is 'A page by its slug as the caller may see it (RLS), with audiences and appointments. Errors: page_not_found.';


-- Staff "Vorschau als Mandant X": the page exactly as X would see it once published, through X's
-- own RLS. Inside a subtransaction the page is published (if it is a draft), a session for X is
-- opened and the request claims become X's; the page is read as X, then everything is rolled
-- back (no notification, session or publication survives) and the staff claims return.
create function private.begin_page_preview(page_id uuid, viewer uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  preview_session uuid := gen_random_uuid();
begin
  perform private.require_staff();
  if not exists (select 1 from public.pages as p where p.id = begin_page_preview.page_id) then
    raise exception using errcode = 'P0001', message = 'page_not_found';
  end if;
  if not exists (select 1 from public.client_members as cm where cm.user_id = begin_page_preview.viewer)
     or private.user_is_staff(begin_page_preview.viewer) then
    raise exception using errcode = 'P0001', message = 'preview_user_not_client', detail = 'Preview as a user of a client.';
  end if;
  update public.pages as p set published = true, archived_at = null
   where p.id = begin_page_preview.page_id and (not p.published or p.archived_at is not null);
  insert into auth.sessions (id, user_id, created_at, updated_at, aal) values (preview_session, viewer, now(), now(), 'aal2');
  return jsonb_build_object('sub', viewer, 'role', 'authenticated', 'aal', 'aal2', 'session_id', preview_session);
end;
$$;
grant execute on function private.begin_page_preview(uuid, uuid) to authenticated;

create function public.preview_page_as(page_id uuid, user_id uuid)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  staff_claims text := current_setting('request.jwt.claims', true);
  seen jsonb;
  page public.pages;
begin
  begin
    -- begin_page_preview checks the caller (staff), the page and the viewer first
    perform set_config('request.jwt.claims', private.begin_page_preview(preview_page_as.page_id, preview_page_as.user_id)::text, true);
    select * into page from public.pages as p where p.id = preview_page_as.page_id;
    seen := case when page.id is null then jsonb_build_object('visible', false)
                 else jsonb_build_object('visible', true, 'page', private.page_as_seen(page, preview_page_as.user_id)) end;
    raise exception using errcode = 'P0001', message = 'preview_done';
  exception when raise_exception then
    perform set_config('request.jwt.claims', staff_claims, true);
    if sqlerrm <> 'preview_done' then
      raise;
    end if;
  end;
  return seen;
end;
$$;
comment on function public.preview_page_as(uuid, uuid) is
  'Staff: {visible, page} — the page as the given client user would see it once published, read through that user''s RLS inside a rolled-back subtransaction. Errors: forbidden, page_not_found, preview_user_not_client.';

-- The audience picker: clients and groups by name.
create function public.search_page_audiences(query text default '', max_count integer default 20)
returns table (kind text, id uuid, name text, detail text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  pattern text := private.contains_pattern(query);
begin
  perform private.require_staff();
  return query
    (select 'group'::text, g.id, g.name, (select count(*)::text from public.client_group_members as gm where gm.group_id = g.id)
       from public.client_groups as g where g.name ilike pattern order by g.name limit least(greatest(max_count, 1), 50))
    union all
    (select 'client'::text, c.id, c.name, c.reference_number
       from public.clients as c where c.name ilike pattern or c.reference_number ilike pattern
      order by c.name limit least(greatest(max_count, 1), 50));
end;
$$;
comment on function public.search_page_audiences(text, integer) is
  'Staff: groups (detail: number of clients) and clients (detail: reference number) whose name matches, for the audience picker. Errors: forbidden.';

revoke all on function public.save_page(uuid, text, text, boolean, uuid[], uuid[]), public.set_page_published(uuid, boolean),
  public.set_page_archived(uuid, boolean), public.mark_page_read(uuid), public.list_pages(text, text, boolean, timestamptz, uuid, integer),
  public.get_page(text), public.preview_page_as(uuid, uuid), public.search_page_audiences(text, integer) from public;
grant execute on function public.save_page(uuid, text, text, boolean, uuid[], uuid[]), public.set_page_published(uuid, boolean),
  public.set_page_archived(uuid, boolean), public.mark_page_read(uuid), public.list_pages(text, text, boolean, timestamptz, uuid, integer),
  public.get_page(text), public.preview_page_as(uuid, uuid), public.search_page_audiences(text, integer) to authenticated;
-- The invoker RPCs (list_pages, get_page, …) run their checks as the caller.
grant execute on function private.require_access() to authenticated;
