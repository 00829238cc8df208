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
