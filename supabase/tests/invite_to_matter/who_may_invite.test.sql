-- Test: only the matter's client users and staff invite; each refusal has its error code.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('guest');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'friend@example.org')$$, 'P0001', 'forbidden',
  'a guest cannot invite');
select tests.act_as('client_b');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'friend@example.org')$$, 'P0001', 'matter_not_found',
  'another client cannot invite into A''s matter (and learns nothing about it)');
select tests.act_as('totp_aal1');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'friend@example.org')$$, 'P0001', 'mfa_required',
  'an aal1 session with a factor cannot invite');
select tests.act_as('client_a');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'not an address')$$, 'P0001', 'invalid_email',
  'a malformed address is refused');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'guest@test.example')$$, 'P0001', 'already_member',
  'someone who is already in the matter is not invited again');
select tests.act_as('staff');
select lives_ok($$select public.invite_to_matter(tests.fixture('matter_b1'), 'friend@example.org')$$, 'staff invite into any matter');
select lives_ok($$select public.invite_to_matter(tests.fixture('matter_b1'), 'friend@example.org')$$,
  're-inviting the same address replaces the open invitation');

select * from finish();
rollback;
