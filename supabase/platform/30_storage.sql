-- =============================================================================
-- 30_storage.sql — schema `storage` as storage-api v1.60.x leaves it
--
-- Mirrors supabase/postgres init-scripts 00000000000002-storage-schema.sql,
-- migrations 20240606060239 / 20250421084701 / 20250623125453 / 20250709135250
-- (grants) and the storage-api tenant migrations up to v1.60.x (0001..~0060:
-- path_tokens, owner_id, user_metadata, bucket limits and type, the
-- prefix-free search of "search-v2-optimised", operation helpers,
-- "prevent-direct-deletes"). Object versioning (migrations 0062+, Aug 2026) is
-- newer than the pinned server and not included.
--
-- Included: buckets, objects, migrations, s3_multipart_uploads(_parts) and the
-- helper functions policies and the Storage server call.
-- Left out: buckets_analytics, buckets_vectors, vector_indexes (Iceberg and
-- vector buckets; the devstack serves STANDARD buckets only), search_v2 /
-- list_objects_with_delimiter (listV2), and storage.migrations rows.
-- =============================================================================

create schema storage authorization supabase_admin;
grant all on schema storage to supabase_storage_admin with grant option;
grant usage on schema storage to postgres with grant option;
grant usage on schema storage to anon, authenticated, service_role;
grant all on schema storage to dashboard_user;

-- Whatever Storage creates is usable by postgres and the API roles; RLS is what
-- restricts anon and authenticated.
alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;

set role supabase_storage_admin;

create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');

-- -----------------------------------------------------------------------------
-- Tables
-- -----------------------------------------------------------------------------
create table storage.migrations (
  id          integer not null,
  name        varchar(100) not null,
  hash        varchar(40) not null,
  executed_at timestamp without time zone default current_timestamp,
  constraint migrations_pkey primary key (id),
  constraint migrations_name_key unique (name)
);

create table storage.buckets (
  id                 text not null,
  name               text not null,
  owner              uuid,
  created_at         timestamptz default now(),
  updated_at         timestamptz default now(),
  public             boolean default false,
  avif_autodetection boolean default false,
  file_size_limit    bigint,
  allowed_mime_types text[],
  owner_id           text,
  type               storage.buckettype not null default 'STANDARD',
  constraint buckets_pkey primary key (id)
);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';
create unique index bname on storage.buckets (name);

create table storage.objects (
  id               uuid not null default gen_random_uuid(),
  bucket_id        text,
  name             text,
  owner            uuid,
  created_at       timestamptz default now(),
  updated_at       timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata         jsonb,
  path_tokens      text[] generated always as (string_to_array(name, '/')) stored,
  version          text,
  owner_id         text,
  user_metadata    jsonb,
  constraint objects_pkey primary key (id),
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';
create unique index bucketid_objname               on storage.objects (bucket_id, name);
create index idx_objects_bucket_id_name            on storage.objects (bucket_id, name collate "C");
create index idx_objects_bucket_id_name_lower      on storage.objects (bucket_id, lower(name) collate "C");
create index name_prefix_search                    on storage.objects (name text_pattern_ops);

create table storage.s3_multipart_uploads (
  id               text not null,
  in_progress_size bigint not null default 0,
  upload_signature text not null,
  bucket_id        text not null,
  key              text collate "C" not null,
  version          text not null,
  owner_id         text,
  created_at       timestamptz not null default now(),
  user_metadata    jsonb,
  metadata         jsonb,
  constraint s3_multipart_uploads_pkey primary key (id),
  constraint s3_multipart_uploads_bucket_id_fkey foreign key (bucket_id) references storage.buckets (id)
);
create index idx_multipart_uploads_list on storage.s3_multipart_uploads (bucket_id, key, created_at);

create table storage.s3_multipart_uploads_parts (
  id          uuid not null default gen_random_uuid(),
  upload_id   text not null,
  size        bigint not null default 0,
  part_number integer not null,
  bucket_id   text not null,
  key         text collate "C" not null,
  etag        text not null,
  owner_id    text,
  version     text not null,
  created_at  timestamptz not null default now(),
  constraint s3_multipart_uploads_parts_pkey primary key (id),
  constraint s3_multipart_uploads_parts_bucket_id_fkey foreign key (bucket_id) references storage.buckets (id),
  constraint s3_multipart_uploads_parts_upload_id_fkey foreign key (upload_id)
    references storage.s3_multipart_uploads (id) on delete cascade
);

alter table storage.migrations                 enable row level security;
alter table storage.buckets                    enable row level security;
alter table storage.objects                    enable row level security;
alter table storage.s3_multipart_uploads       enable row level security;
alter table storage.s3_multipart_uploads_parts enable row level security;

-- -----------------------------------------------------------------------------
-- Path helpers used in policies: foldername('a/b/c.pdf') = {a,b},
-- filename(...) = 'c.pdf', extension(...) = 'pdf'.
-- -----------------------------------------------------------------------------
create function storage.foldername(name text)
returns text[]
language sql
immutable
as $fn$
  select (parts)[1 : array_length(parts, 1) - 1]
    from (select string_to_array(foldername.name, '/') as parts) as p
$fn$;

create function storage.filename(name text)
returns text
language sql
immutable
as $fn$
  select (parts)[array_length(parts, 1)]
    from (select string_to_array(filename.name, '/') as parts) as p
$fn$;

-- Text after the last '.' of the last path segment (the whole segment when it
-- has no '.'), as upstream.
create function storage.extension(name text)
returns text
language sql
immutable
as $fn$
  select reverse(split_part(reverse(storage.filename(extension.name)), '.', 1))
$fn$;

-- Total object size per bucket (Studio's usage view).
create function storage.get_size_by_bucket()
returns table (size bigint, bucket_id text)
language sql
stable
as $fn$
  select sum((o.metadata ->> 'size')::bigint)::bigint, o.bucket_id
    from storage.objects as o
   group by o.bucket_id
$fn$;

-- The part of p_key after p_prefix up to and including the next delimiter, if
-- there is one (i.e. the "folder" p_key lies in), else NULL.
create function storage.get_common_prefix(p_key text, p_prefix text, p_delimiter text)
returns text
language sql
immutable
as $fn$
  select case
           when position(p_delimiter in substring(p_key from length(p_prefix) + 1)) > 0
           then left(p_key, length(p_prefix) + position(p_delimiter in substring(p_key from length(p_prefix) + 1)))
         end
$fn$;

-- -----------------------------------------------------------------------------
-- storage.search — the listing the Storage server runs (as the caller's role,
-- so RLS applies) for POST /object/list/{bucket}:
--   storage.search(prefix, bucketname, limits, levels, offsets, search, sortcolumn, sortorder)
-- `levels` is the number of path segments of the prefix + 1. Objects whose name
-- starts (case-insensitively) with prefix||search are listed one level deep:
-- deeper objects collapse into folder rows (id/metadata/timestamps NULL).
-- Sorting by name interleaves folders and files; sorting by a timestamp lists
-- folders first. At most 1500 rows.
-- -----------------------------------------------------------------------------
create function storage.search(
  prefix     text,
  bucketname text,
  limits     integer default 100,
  levels     integer default 1,
  offsets    integer default 0,
  search     text    default '',
  sortcolumn text    default 'name',
  sortorder  text    default 'asc'
)
returns table (
  name             text,
  id               uuid,
  updated_at       timestamptz,
  created_at       timestamptz,
  last_accessed_at timestamptz,
  metadata         jsonb
)
language sql
stable
as $fn$
  with params as (
    select coalesce($1, '') || coalesce($6, '') as pfx,
           case lower(coalesce($7, 'name'))
             when 'updated_at' then 'updated_at'
             when 'created_at' then 'created_at'
             when 'last_accessed_at' then 'last_accessed_at'
             else 'name'
           end as col,
           lower(coalesce($8, 'asc')) = 'desc' as descending
  ),
  matched as (
    select o.name as full_name, o.id, o.updated_at, o.created_at, o.last_accessed_at, o.metadata,
           storage.get_common_prefix(o.name, p.pfx, '/') as folder
      from storage.objects as o, params as p
     where o.bucket_id = $2
       and left(lower(o.name), length(p.pfx)) = lower(p.pfx)
  ),
  entries as (
    select min(split_part(rtrim(m.folder, '/'), '/', $4)) as entry_name,
           null::uuid as id, null::timestamptz as updated_at, null::timestamptz as created_at,
           null::timestamptz as last_accessed_at, null::jsonb as metadata,
           lower(m.folder) as sort_key, true as is_folder
      from matched as m
     where m.folder is not null
     group by lower(m.folder)
    union all
    select split_part(m.full_name, '/', $4), m.id, m.updated_at, m.created_at,
           m.last_accessed_at, m.metadata, lower(m.full_name), false
      from matched as m
     where m.folder is null
  )
  select e.entry_name, e.id, e.updated_at, e.created_at, e.last_accessed_at, e.metadata
    from entries as e, params as p
   order by
     case when p.col <> 'name' then not e.is_folder end,
     case when p.col = 'updated_at'       and not p.descending then e.updated_at end asc,
     case when p.col = 'updated_at'       and p.descending     then e.updated_at end desc,
     case when p.col = 'created_at'       and not p.descending then e.created_at end asc,
     case when p.col = 'created_at'       and p.descending     then e.created_at end desc,
     case when p.col = 'last_accessed_at' and not p.descending then e.last_accessed_at end asc,
     case when p.col = 'last_accessed_at' and p.descending     then e.last_accessed_at end desc,
     case when not p.descending then e.sort_key end collate "C" asc,
     case when p.descending     then e.sort_key end collate "C" desc
   limit least(coalesce($3, 100), 1500)
  offset greatest(coalesce($5, 0), 0)
$fn$;

-- Upload permission probe: the Storage server dry-runs an insert as the caller
-- and rolls it back through this error.
create function storage.can_insert_object(bucketid text, name text, owner uuid, metadata jsonb)
returns void
language plpgsql
as $fn$
begin
  insert into storage.objects (bucket_id, name, owner, metadata)
  values (bucketid, can_insert_object.name, can_insert_object.owner, can_insert_object.metadata);
  -- undo the insert: the server treats PT200 as "allowed"
  raise sqlstate 'PT200' using message = 'ROLLBACK', detail = 'rollback successful insert';
end;
$fn$;

-- The Storage server sets `storage.operation` (e.g. 'storage.object.upload')
-- per request; policies can narrow themselves to one operation.
create function storage.operation()
returns text
language sql
stable
as $fn$
  select current_setting('storage.operation', true)
$fn$;

create function storage.allow_only_operation(expected_operation text)
returns boolean
language sql
stable
as $fn$
  with ops as (
    select regexp_replace(coalesce(storage.operation(), ''), '^storage\.', '') as current_op,
           regexp_replace(coalesce(expected_operation, ''), '^storage\.', '') as wanted_op
  )
  select case when ops.wanted_op = '' then false else ops.current_op = ops.wanted_op end
    from ops
$fn$;

create function storage.allow_any_operation(expected_operations text[])
returns boolean
language sql
stable
as $fn$
  select exists (
    select 1
      from unnest(expected_operations) as e(op)
     where coalesce(e.op, '') <> ''
       and regexp_replace(e.op, '^storage\.', '')
           = regexp_replace(coalesce(storage.operation(), ''), '^storage\.', '')
  )
$fn$;

-- -----------------------------------------------------------------------------
-- Triggers
-- -----------------------------------------------------------------------------
create function storage.update_updated_at_column()
returns trigger
language plpgsql
as $fn$
begin
  new.updated_at := now();
  return new;
end;
$fn$;

create function storage.enforce_bucket_name_length()
returns trigger
language plpgsql
as $fn$
begin
  if length(new.name) > 100 then
    raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
  end if;
  return new;
end;
$fn$;

-- "prevent-direct-deletes": plain SQL DELETE on buckets/objects fails unless the
-- transaction set storage.allow_delete_query = 'true' (the Storage server does,
-- so must the devstack's storage layer; SQL clean-ups in tests must too).
create function storage.protect_delete()
returns trigger
language plpgsql
as $fn$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.',
            errcode = '42501';
  end if;
  return null;
end;
$fn$;

create trigger update_objects_updated_at
  before update on storage.objects
  for each row execute function storage.update_updated_at_column();

create trigger enforce_bucket_name_length_trigger
  before insert or update of name on storage.buckets
  for each row execute function storage.enforce_bucket_name_length();

create trigger protect_objects_delete
  before delete on storage.objects
  for each statement execute function storage.protect_delete();

create trigger protect_buckets_delete
  before delete on storage.buckets
  for each statement execute function storage.protect_delete();

reset role;

-- -----------------------------------------------------------------------------
-- Grants beyond the default privileges
-- -----------------------------------------------------------------------------
-- Storage's bookkeeping is private (20240606060239).
revoke all on storage.migrations from postgres, anon, authenticated, service_role;

-- Multipart uploads: only the service role writes; clients may read.
revoke all on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts
  from postgres, anon, authenticated, service_role;
grant all on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts to service_role;
grant select on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts to anon, authenticated;

-- postgres may pass its rights on buckets/objects on (20250623125453).
grant all on storage.buckets, storage.objects to postgres with grant option;

grant all on all sequences in schema storage to dashboard_user;
grant all on all routines  in schema storage to dashboard_user;

-- -----------------------------------------------------------------------------
-- DEVSTACK DEVIATION: on Supabase, postgres may CREATE/ALTER/DROP POLICY on
-- storage.objects / storage.buckets (and drop triggers there) without owning
-- them, through supautils' `policy_grants` / `drop_trigger_grants`. supautils
-- does not exist here, so postgres becomes a member of the owning role instead
-- (what Supabase itself did before 2024). Side effect: on the devstack postgres
-- could also ALTER these tables, which Supabase would refuse.
-- -----------------------------------------------------------------------------
grant supabase_storage_admin to postgres;
