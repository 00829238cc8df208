-- Test: user_metadata (which every account may write about itself through Auth) takes only the
-- portal's keys and GoTrue's own, within bounds, on insert and update; an account written before
-- the rule may still remove what it holds.
begin;
select plan(11);

select tests.create_user('bounded', 'bounded@test.example', now(), '{"display_name":"Nora Named","locale":"en"}');
select tests.remember('bounded', tests.get_user_id('bounded'));
create function pg_temp.write_metadata(metadata jsonb) returns void language sql as $$
  update auth.users set raw_user_meta_data = metadata where id = tests.fixture('bounded')
$$;

select throws_ok($$select pg_temp.write_metadata('{"display_name":"Nora Named","locale":"en","notes":"x"}')$$,
  'PT422', 'invalid_user_metadata', 'a key the portal does not use is refused');
select throws_ok($$select pg_temp.write_metadata(jsonb_build_object('display_name', repeat('x', 201), 'locale', 'en'))$$,
  'PT422', 'invalid_user_metadata', 'a display name over 200 characters is refused');
select throws_ok($$select pg_temp.write_metadata('{"display_name":"Nora Named","locale":"fr"}')$$,
  'PT422', 'invalid_user_metadata', 'a language the portal does not speak is refused');
select throws_ok($$select pg_temp.write_metadata('{"display_name":{"first":"Nora"}}')$$,
  'PT422', 'invalid_user_metadata', 'so is a name that is not text');
select throws_ok($$select pg_temp.write_metadata('["display_name"]')$$,
  'PT422', 'invalid_user_metadata', 'and metadata that is not an object');
select throws_ok($$select tests.create_user('junk', 'junk@test.example', now(), jsonb_build_object('blob', repeat('x', 2000000)))$$,
  'PT422', 'invalid_user_metadata', 'a new account with megabytes of metadata is refused');

select lives_ok($$select pg_temp.write_metadata('{"display_name":"Nora N.","locale":"de","sub":"x","email":"bounded@test.example","email_verified":true,"phone_verified":false}')$$,
  'the portal''s keys and the ones GoTrue writes for e-mail accounts are accepted');
select is((select raw_user_meta_data ->> 'display_name' from auth.users where id = tests.fixture('bounded')), 'Nora N.', 'and stored');
select lives_ok($$select tests.create_user('nameless', 'nameless@test.example', now(), '{"display_name":null,"locale":"en"}')$$,
  'an invitation without a name (display_name null) is accepted');

-- An account written before the rule (restored, or older than this migration) may keep and drop
-- what it holds, but not add to it.
select is(private.user_metadata_refusal(jsonb_build_object('display_name', 'Nora', 'locale', 'de', 'blob', repeat('x', 100000)),
                                        jsonb_build_object('display_name', 'Nora', 'blob', repeat('x', 100000))), null,
  'a write that leaves an old key as it is passes');
select is(private.user_metadata_refusal('{"display_name":"Nora"}', jsonb_build_object('display_name', 'Nora', 'blob', repeat('x', 100000))), null,
  'and one that removes it');

select * from finish();
rollback;
