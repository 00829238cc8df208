-- Pages (Sonderseiten) with their audiences, and appointments (Termine).
--
-- Only staff write. A page's body is Markdown stored as written; the app sanitizes it when it
-- renders. A client user sees a published page when one of its audience rows names the user's
-- client or a group that client belongs to, and it sees only those audience rows (never which
-- other clients a page addresses). Guests see no pages: pages belong to clients, not matters.
-- Appointments hang on a page (visible with the page) or on a client (visible to its users).

create table public.pages (
  id           uuid primary key default gen_random_uuid(),
  title        text not null check (char_length(btrim(title)) between 1 and 300),
  body         text not null default '' check (char_length(body) <= 200000),
  published    boolean not null default false,
  published_at timestamptz,
  pinned       boolean not null default false,
  created_by   uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
comment on table public.pages is 'Sonderseiten: Markdown pages for one or more clients or groups (body stored as written, sanitized at render).';
create index pages_created_by_idx on public.pages (created_by);
create index pages_published_idx on public.pages (published, pinned desc, published_at desc);

create table public.page_audiences (
  id         uuid primary key default gen_random_uuid(),
  page_id    uuid not null references public.pages (id) on delete cascade,
  client_id  uuid references public.clients (id) on delete cascade,
  group_id   uuid references public.client_groups (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint page_audiences_one_target check (num_nonnulls(client_id, group_id) = 1),
  constraint page_audiences_client_once unique (page_id, client_id),
  constraint page_audiences_group_once unique (page_id, group_id)
);
comment on table public.page_audiences is 'Who a page is for: exactly one client or one group per row, any number of rows.';
create index page_audiences_client_id_idx on public.page_audiences (client_id);
create index page_audiences_group_id_idx on public.page_audiences (group_id);

create table public.appointments (
  id          uuid primary key default gen_random_uuid(),
  page_id     uuid references public.pages (id) on delete cascade,
  client_id   uuid references public.clients (id) on delete cascade,
  title       text not null check (char_length(btrim(title)) between 1 and 300),
  description text,
  starts_at   timestamptz not null,
  ends_at     timestamptz not null,
  location    text,
  created_by  uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint appointments_one_target check (num_nonnulls(page_id, client_id) = 1),
  constraint appointments_ends_after_start check (ends_at >= starts_at)
);
comment on table public.appointments is 'Termine: on a page (seen with it) or for a client (seen by its users).';
create index appointments_page_id_idx on public.appointments (page_id);
create index appointments_client_id_idx on public.appointments (client_id);
create index appointments_starts_at_idx on public.appointments (starts_at);
create index appointments_created_by_idx on public.appointments (created_by);

create trigger pages_touch_updated_at before update on public.pages
  for each row execute function private.touch_updated_at();
create trigger appointments_touch_updated_at before update on public.appointments
  for each row execute function private.touch_updated_at();

create function private.stamp_page_publication()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.published and (tg_op = 'INSERT' or not old.published) then
    new.published_at := now();
  elsif not new.published then
    new.published_at := null;
  end if;
  return new;
end;
$$;

create trigger pages_stamp_publication
  before insert or update of published on public.pages
  for each row execute function private.stamp_page_publication();

create function private.my_page_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.page_id
    from public.page_audiences as a
    join public.pages as p on p.id = a.page_id
   where p.published
     and (a.client_id in (select private.my_client_ids()) or a.group_id in (select private.my_group_ids()))
$$;
comment on function private.my_page_ids() is 'Published pages addressed to the caller''s clients or their groups.';
grant execute on function private.my_page_ids() to authenticated;

alter table public.pages enable row level security;
alter table public.page_audiences enable row level security;
alter table public.appointments enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.pages as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all pages"
  on public.pages for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read published pages addressed to them"
  on public.pages for select to authenticated
  using (id in (select private.my_page_ids()));
create policy "Staff can create pages"
  on public.pages for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can update pages"
  on public.pages for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Staff can delete pages"
  on public.pages for delete to authenticated
  using ((select private.is_staff()));

create policy "Only sessions that passed the second factor get access"
  on public.page_audiences as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all page audiences"
  on public.page_audiences for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read the audience rows that name them"
  on public.page_audiences for select to authenticated
  using (page_id in (select private.my_page_ids())
         and (client_id in (select private.my_client_ids()) or group_id in (select private.my_group_ids())));
create policy "Staff can add page audiences"
  on public.page_audiences for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can remove page audiences"
  on public.page_audiences for delete to authenticated
  using ((select private.is_staff()));

create policy "Only sessions that passed the second factor get access"
  on public.appointments as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all appointments"
  on public.appointments for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read appointments of their client and pages"
  on public.appointments for select to authenticated
  using (client_id in (select private.my_client_ids()) or page_id in (select private.my_page_ids()));
create policy "Staff can create appointments"
  on public.appointments for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can update appointments"
  on public.appointments for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Staff can delete appointments"
  on public.appointments for delete to authenticated
  using ((select private.is_staff()));

revoke all on public.pages, public.page_audiences, public.appointments from anon, authenticated;
grant all on public.pages, public.page_audiences, public.appointments to service_role;
grant select, insert, delete on public.pages, public.page_audiences, public.appointments to authenticated;
grant update (title, body, published, pinned) on public.pages to authenticated;
grant update (title, description, starts_at, ends_at, location) on public.appointments to authenticated;
