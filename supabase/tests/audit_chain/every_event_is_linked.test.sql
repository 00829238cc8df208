-- Test: each new event takes the next position and links the previous event's hash; the hash
-- covers its content; an intact log verifies; only admins verify.
begin;
select plan(5);

select tests.create_portal_world();
select private.audit('test.first', 'test', 'a');
select private.audit('test.second', 'test', 'b', '{"k": "v"}');
select is((select array_agg(chain_position - (select min(chain_position) from ops.audit_events where action like 'test.%') order by id)
             from ops.audit_events where action like 'test.%'), array[0::bigint, 1], 'consecutive positions');
select ok((select e2.previous_hash = e1.hash from ops.audit_events e1, ops.audit_events e2
            where e1.action = 'test.first' and e2.action = 'test.second'), 'the second links the first');
select is((select encode(hash, 'hex') from ops.audit_chain_head), (select encode(hash, 'hex') from ops.audit_events order by chain_position desc limit 1),
  'the head is the last event');
select tests.act_as('lawyer');
select is(public.verify_audit_chain() - array['checked', 'head_position', 'head_hash'],
  '{"intact": true, "problem": null, "first_broken_position": null}'::jsonb, 'the log is intact');
select tests.clear_authentication();
select is(tests.outcomes('select public.verify_audit_chain()', array['staff', 'client_a', 'anon']),
  array['staff: P0001 forbidden', 'client_a: P0001 forbidden', 'anon: 42501 permission denied for function verify_audit_chain'],
  'only admins verify');

select * from finish();
rollback;
