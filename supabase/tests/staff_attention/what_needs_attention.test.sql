-- Test: the overview counts an unassigned ticket, a chat waiting for the firm, an unreleased
-- document, a pending and an expired invitation, an overdue second factor and a failed mail; for
-- staff only.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('pending', public.invite_to_client(tests.fixture('client_b_org'), 'a@test.example'));
select tests.remember('expired', public.invite_to_client(tests.fixture('client_b_org'), 'b@test.example'));
select tests.clear_authentication();
update public.invitations set expires_at = now() - interval '1 day' where id = tests.fixture('expired');
create temp table before_counts (counts jsonb);
grant all on before_counts to authenticated;
select tests.act_as('staff');
insert into before_counts select public.staff_attention();
select tests.clear_authentication();
insert into public.tickets (subject, client_id, created_by) values ('Neu', tests.fixture('client_b_org'), tests.get_user_id('client_b'));
insert into ops.mail_outbox (template, recipient, status) values ('test', 'x@test.example', 'failed');
select tests.act_as('staff');
select is((select array[(a ->> 'tickets_unassigned')::int - (b ->> 'tickets_unassigned')::int,
                        (a ->> 'mails_failed')::int - (b ->> 'mails_failed')::int]
             from before_counts, lateral (select public.staff_attention() as a) as x, lateral (select counts as b) as y),
  array[1, 1], 'a new unassigned ticket and a failed mail are counted');
select ok((select (x ->> 'invitations_pending')::int >= 1 and (x ->> 'invitations_expired')::int >= 1
                  and (x ->> 'factor_deadline_past')::int >= 1 and (x ->> 'documents_unreleased')::int >= 1
             from public.staff_attention() as x), 'pending and expired invitations, overdue factors, unreleased documents');
select tests.clear_authentication();
select is(tests.outcomes('select public.staff_attention()', array['client_a', 'guest', 'past_grace', 'anon']),
  array['client_a: P0001 forbidden', 'guest: P0001 forbidden', 'past_grace: P0001 mfa_required',
        'anon: 42501 permission denied for function staff_attention'], 'staff only');

select * from finish();
rollback;
