-- Test: a client user invites a guest into its matter: an invitation row, a hashed token, a mail
-- with the plain token for the mail function, an audit event.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('client_a2');
select tests.remember('invitation', public.invite_to_matter(tests.fixture('matter_a2'), '  Gutachter@Example.org '));
select is((select email || '/' || kind || '/' || role from public.invitations where id = tests.fixture('invitation')),
  'gutachter@example.org/matter/guest', 'the invitation is stored with the normalized address');
select is(tests.visible_as('client_a', 'select id from public.invitations'), array['invitation'], 'the client''s other users see it');
select is(tests.visible_as('client_b', 'select id from public.invitations'), '{}'::text[], 'client B does not');
select tests.clear_authentication();
select is((select template || '/' || recipient from ops.mail_outbox where data ->> 'invitation_id' = tests.fixture('invitation')::text),
  'matter_invitation/gutachter@example.org', 'an invitation mail is queued');
select is((select t.token_hash from private.invitation_tokens as t where t.invitation_id = tests.fixture('invitation')),
  (select extensions.digest(o.data -> 'secret' ->> 'token', 'sha256') from ops.mail_outbox as o
    where o.data ->> 'invitation_id' = tests.fixture('invitation')::text),
  'only the SHA-256 of the mailed token is stored');
select is((select char_length(o.data -> 'secret' ->> 'token') from ops.mail_outbox as o
            where o.data ->> 'invitation_id' = tests.fixture('invitation')::text), 64, 'the token carries 256 random bits');
select ok(exists (select 1 from ops.audit_events where action = 'invitation.created' and entity_id = tests.fixture('invitation')::text
                     and actor_id = tests.fixture('client_a2')), 'the invitation is audited');

select * from finish();
rollback;
