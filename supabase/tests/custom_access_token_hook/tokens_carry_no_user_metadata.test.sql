-- Test: the custom access token hook hands GoTrue its claims back without user_metadata, so a
-- token's size never depends on what an account wrote about itself; only GoTrue's role may call it.
begin;
select plan(4);

select is(
  public.custom_access_token_hook(jsonb_build_object(
    'user_id', '00000000-0000-4000-a000-000000000001', 'authentication_method', 'password',
    'claims', jsonb_build_object('sub', '00000000-0000-4000-a000-000000000001', 'aud', 'authenticated',
      'exp', 1900000000, 'iat', 1899999100, 'email', 'a@test.example', 'phone', '', 'role', 'authenticated',
      'aal', 'aal1', 'session_id', '5b0e2c8e-3f3f-4f7b-9a59-5a8f8e0d0f11', 'is_anonymous', false,
      'app_metadata', jsonb_build_object('provider', 'email'), 'amr', jsonb_build_array(jsonb_build_object('method', 'password', 'timestamp', 1899999100)),
      'user_metadata', jsonb_build_object('display_name', 'A', 'blob', repeat('x', 100000))))),
  jsonb_build_object('claims', jsonb_build_object('sub', '00000000-0000-4000-a000-000000000001', 'aud', 'authenticated',
      'exp', 1900000000, 'iat', 1899999100, 'email', 'a@test.example', 'phone', '', 'role', 'authenticated',
      'aal', 'aal1', 'session_id', '5b0e2c8e-3f3f-4f7b-9a59-5a8f8e0d0f11', 'is_anonymous', false,
      'app_metadata', jsonb_build_object('provider', 'email'), 'amr', jsonb_build_array(jsonb_build_object('method', 'password', 'timestamp', 1899999100)))),
  'every claim but user_metadata comes back unchanged');

select ok(has_function_privilege('supabase_auth_admin', 'public.custom_access_token_hook(jsonb)', 'execute'), 'GoTrue''s role calls it');
select ok(not has_function_privilege('authenticated', 'public.custom_access_token_hook(jsonb)', 'execute')
          and not has_function_privilege('anon', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'signed-in and anonymous callers cannot');
select ok(not has_function_privilege('service_role', 'public.custom_access_token_hook(jsonb)', 'execute'), 'nor the service role');

select * from finish();
rollback;
