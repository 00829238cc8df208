-- =============================================================================
-- 50_net.sql — pg_net stand-in (DEVSTACK ONLY) + database-webhook schema
--
-- Debian has no pg_net package. This file recreates pg_net 0.19.x's public
-- interface under the real names and signatures, so migrations and cron jobs
-- are identical on both stacks:
--   net.http_get / net.http_post / net.http_delete -> bigint request id
--   net.http_request_queue (pending requests), net._http_response (results)
-- Differences from the real extension:
--   * no background worker here: the devstack process drains the queue — it
--     reads net.http_request_queue, performs the request, deletes the queue
--     row and inserts the outcome into net._http_response (same id);
--   * after enqueueing, the functions NOTIFY channel `devstack_net` with the
--     id (devstack addition) so the drain wakes up immediately. NOTIFY, like
--     the queue row, only becomes visible on COMMIT — so, as with pg_net, a
--     request is sent only if the calling transaction commits;
--   * the functions are SECURITY DEFINER with an empty search_path and execute
--     granted to postgres/anon/authenticated/service_role/supabase_functions_admin
--     (the arrangement Supabase's grant_pg_net_access applied up to pg_net
--     0.11); pg_net >= 0.12 instead runs them as the caller and grants the
--     net tables to PUBLIC. Here the queue and responses stay private to
--     postgres, supabase_functions_admin and service_role (read-only).
--   * net.http_collect_response, net.worker_restart, net.wait_until_running
--     and net.http_request (callbacks, 0.21) are not provided.
--
-- Also: schema supabase_functions (database webhooks), which supabase/postgres
-- creates by default together with pg_net (20240822021428).
-- =============================================================================

create schema net authorization supabase_admin;
grant usage on schema net to postgres, anon, authenticated, service_role, supabase_functions_admin;

create domain net.http_method as text
  check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

-- Pending requests (unlogged, as in pg_net).
create unlogged table net.http_request_queue (
  id                   bigserial,
  method               net.http_method not null,
  url                  text not null,
  headers              jsonb,
  body                 bytea,
  timeout_milliseconds integer not null
);

-- Outcomes, keyed by the request id http_* returned. status_code/headers/
-- content for a response; timed_out/error_msg when there was none.
create unlogged table net._http_response (
  id           bigint,
  status_code  integer,
  content_type text,
  headers      jsonb,
  content      text,
  timed_out    boolean,
  error_msg    text,
  created      timestamptz not null default now()
);
create index on net._http_response (created);

-- -----------------------------------------------------------------------------
-- URL helpers (C functions in pg_net, backed by curl)
-- -----------------------------------------------------------------------------

-- Percent-encodes every byte except A-Z a-z 0-9 - . _ ~ (curl_easy_escape).
create function net._urlencode_string(string varchar)
returns text
language sql
immutable
as $fn$
  select coalesce(string_agg(
           case
             when b between 48 and 57 or b between 65 and 90 or b between 97 and 122
                  or b in (45, 46, 95, 126)
             then chr(b)
             else '%' || upper(lpad(to_hex(b), 2, '0'))
           end, '' order by i), '')
    from (select get_byte(raw, i) as b, i
            from (select convert_to($1, 'UTF8') as raw) as r,
                 generate_series(0, length(raw) - 1) as i) as bytes
$fn$;

-- Appends already encoded "key=value" pairs to the URL's query string.
create function net._encode_url_with_params_array(url text, params_array text[])
returns text
language sql
immutable
as $fn$
  select case
           when coalesce(cardinality($2), 0) = 0 then $1
           when position('?' in $1) = 0 then $1 || '?' || array_to_string($2, '&')
           when right($1, 1) in ('?', '&') then $1 || array_to_string($2, '&')
           else $1 || '&' || array_to_string($2, '&')
         end
$fn$;

-- -----------------------------------------------------------------------------
-- Public API
-- -----------------------------------------------------------------------------
create function net.http_get(
  url                  text,
  params               jsonb   default '{}'::jsonb,
  headers              jsonb   default '{}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $fn$
declare
  request_id   bigint;
  params_array text[];
begin
  select coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
    into params_array
    from jsonb_each_text(http_get.params) as p(key, value);

  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(http_get.url, params_array),
          http_get.headers, http_get.timeout_milliseconds)
  returning id into request_id;

  perform pg_notify('devstack_net', request_id::text);  -- devstack addition
  return request_id;
end;
$fn$;

create function net.http_post(
  url                  text,
  body                 jsonb   default '{}'::jsonb,
  params               jsonb   default '{}'::jsonb,
  headers              jsonb   default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $fn$
declare
  request_id   bigint;
  params_array text[];
  content_type text;
  req_headers  jsonb := http_post.headers;
begin
  -- The body is sent as JSON: a Content-Type other than application/json is
  -- refused, a missing one is added.
  select h.value
    into content_type
    from jsonb_each_text(coalesce(req_headers, '{}'::jsonb)) as h(name, value)
   where lower(h.name) = 'content-type'
   limit 1;

  if content_type is null then
    req_headers := coalesce(req_headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  elsif content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  select coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
    into params_array
    from jsonb_each_text(http_post.params) as p(key, value);

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(http_post.url, params_array),
          req_headers, convert_to(http_post.body::text, 'UTF8'), http_post.timeout_milliseconds)
  returning id into request_id;

  perform pg_notify('devstack_net', request_id::text);  -- devstack addition
  return request_id;
end;
$fn$;

create function net.http_delete(
  url                  text,
  params               jsonb   default '{}'::jsonb,
  headers              jsonb   default '{}'::jsonb,
  timeout_milliseconds integer default 5000,
  body                 jsonb   default null
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $fn$
declare
  request_id   bigint;
  params_array text[];
begin
  select coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
    into params_array
    from jsonb_each_text(http_delete.params) as p(key, value);

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params_array(http_delete.url, params_array),
          http_delete.headers, convert_to(http_delete.body::text, 'UTF8'), http_delete.timeout_milliseconds)
  returning id into request_id;

  perform pg_notify('devstack_net', request_id::text);  -- devstack addition
  return request_id;
end;
$fn$;

revoke all on function net.http_get(text, jsonb, jsonb, integer)               from public;
revoke all on function net.http_post(text, jsonb, jsonb, jsonb, integer)       from public;
revoke all on function net.http_delete(text, jsonb, jsonb, integer, jsonb)     from public;
grant execute on function net.http_get(text, jsonb, jsonb, integer)
  to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer)
  to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant execute on function net.http_delete(text, jsonb, jsonb, integer, jsonb)
  to postgres, anon, authenticated, service_role, supabase_functions_admin;

-- postgres (and the drain, connecting as postgres or supabase_admin) manage the
-- queue and responses.
grant all on all tables    in schema net to postgres, supabase_functions_admin;
grant all on all sequences in schema net to postgres, supabase_functions_admin;
grant select on net._http_response to service_role;

-- =============================================================================
-- supabase_functions: database webhooks ("Database Webhooks" in Studio create
-- triggers `execute function supabase_functions.http_request(url, method,
-- headers, params, timeout_ms)`).
-- =============================================================================
create schema supabase_functions authorization supabase_admin;
grant usage on schema supabase_functions to postgres, anon, authenticated, service_role;
alter default privileges in schema supabase_functions grant all on tables    to postgres, anon, authenticated, service_role;
alter default privileges in schema supabase_functions grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema supabase_functions grant all on sequences to postgres, anon, authenticated, service_role;

create table supabase_functions.migrations (
  version     text primary key,
  inserted_at timestamptz not null default now()
);
insert into supabase_functions.migrations (version) values ('initial'), ('20210809183423_update_grants');

create table supabase_functions.hooks (
  id            bigserial primary key,
  hook_table_id integer not null,
  hook_name     text not null,
  created_at    timestamptz not null default now(),
  request_id    bigint
);
comment on table supabase_functions.hooks is 'Supabase Functions Hooks: Audit trail for triggered hooks.';
create index supabase_functions_hooks_request_id_idx on supabase_functions.hooks (request_id);
create index supabase_functions_hooks_h_table_id_h_name_idx on supabase_functions.hooks (hook_table_id, hook_name);

-- Trigger function. Arguments: url, method ('GET'|'POST'), headers json,
-- params json, timeout ms (each may be the string 'null'). POST sends
-- {"type": TG_OP, "table", "schema", "record": NEW, "old_record": OLD}.
create function supabase_functions.http_request()
returns trigger
language plpgsql
security definer
set search_path = supabase_functions
as $fn$
declare
  request_id bigint;
  url        text := tg_argv[0];
  method     text := tg_argv[1];
  headers    jsonb := '{"Content-Type": "application/json"}'::jsonb;
  params     jsonb := '{}'::jsonb;
  timeout_ms integer := 1000;
begin
  if url is null or url = 'null' then
    raise exception 'url argument is missing';
  end if;
  if method is null or method = 'null' then
    raise exception 'method argument is missing';
  end if;
  if tg_argv[2] is not null and tg_argv[2] <> 'null' then
    headers := tg_argv[2]::jsonb;
  end if;
  if tg_argv[3] is not null and tg_argv[3] <> 'null' then
    params := tg_argv[3]::jsonb;
  end if;
  if tg_argv[4] is not null and tg_argv[4] <> 'null' then
    timeout_ms := tg_argv[4]::integer;
  end if;

  if method = 'GET' then
    request_id := net.http_get(url, params, headers, timeout_ms);
  elsif method = 'POST' then
    request_id := net.http_post(
      url,
      jsonb_build_object('old_record', old, 'record', new, 'type', tg_op,
                         'table', tg_table_name, 'schema', tg_table_schema),
      params, headers, timeout_ms);
  else
    raise exception 'method argument % is invalid', method;
  end if;

  insert into supabase_functions.hooks (hook_table_id, hook_name, request_id)
  values (tg_relid, tg_name, request_id);

  return new;
end;
$fn$;

alter table supabase_functions.migrations owner to supabase_functions_admin;
alter table supabase_functions.hooks owner to supabase_functions_admin;
alter function supabase_functions.http_request() owner to supabase_functions_admin;
grant all on schema supabase_functions to supabase_functions_admin;
grant all on all tables in schema supabase_functions to supabase_functions_admin;
grant all on all sequences in schema supabase_functions to supabase_functions_admin;
revoke all on function supabase_functions.http_request() from public;
grant execute on function supabase_functions.http_request() to postgres, anon, authenticated, service_role;
