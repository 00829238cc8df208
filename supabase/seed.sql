-- Demo data for local development (`make dev`, `make reset`). Never run against production.
-- Every demo account uses the password printed by `make dev`: Demo-Zugang-lokal-2026
-- (local only; bcrypt `$2a$` hashes as GoTrue stores them).

-- Accounts: the lawyer and staff. The portal schema (profiles, staff, clients, …) adds its rows
-- for these accounts further down as it grows.
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current, reauthentication_token
)
select '00000000-0000-0000-0000-000000000000', account.id, 'authenticated', 'authenticated', account.email,
       extensions.crypt('Demo-Zugang-lokal-2026', extensions.gen_salt('bf', 10)), now(),
       '{"provider":"email","providers":["email"],"demo":true}'::jsonb,
       jsonb_build_object('display_name', account.display_name, 'locale', 'de'),
       now(), now(), '', '', '', '', '', ''
from (values
  ('00000000-0000-4000-a000-000000000001'::uuid, 'anwaeltin@kanzlei.example', 'Dr. Katharina Weber'),
  ('00000000-0000-4000-a000-000000000002'::uuid, 'sekretariat@kanzlei.example', 'Jonas Becker')
) as account (id, email, display_name);

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
select gen_random_uuid(), u.id, u.id::text, 'email',
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       null, now(), now()
from auth.users u
where u.raw_app_meta_data ->> 'demo' = 'true';

-- Scheduled jobs call edge functions with a URL and key from Vault (Supabase's "Scheduling Edge
-- Functions"). `api.supabase.internal:8000` is how `supabase start`'s database reaches its
-- gateway; the devstack maps it to its own API. The key is the CLI's well-known local
-- service-role key. Production stores its own values (see edge-functions/README.md).
select vault.create_secret('http://api.supabase.internal:8000', 'project_url', 'API origin as the database reaches it');
select vault.create_secret(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU',
  'service_role_key', 'Key scheduled jobs send to edge functions');
