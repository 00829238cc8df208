-- Test: the CSV export has a header, quotes every field, defuses formulas, follows the filters and
-- is itself audited; only admins export.
begin;
select plan(4);

select tests.create_portal_world();
select private.audit('test.csv', 'test', '=HYPERLINK("x")', '{"note": "a \"quoted\" word"}');
select tests.act_as('lawyer');
select is(split_part(public.audit_events_csv(action_prefix => 'test.csv'), E'\r\n', 1),
  'occurred_at,chain_position,actor_id,actor_name,actor_role,action,entity_type,entity_id,entity_label,details,ip,request_id', 'the header');
select matches(split_part(public.audit_events_csv(action_prefix => 'test.csv'), E'\r\n', 2),
  '"test\.csv","test","''=HYPERLINK\(""x""\)",,"\{""note"": ""a \\""quoted\\"" word""\}"', 'quoted fields, the formula defused');
select tests.clear_authentication();
select ok(exists (select 1 from ops.audit_events where action = 'audit.exported' and details -> 'filters' ->> 'action_prefix' = 'test.csv'),
  'the export is audited with its filters');
select is(tests.outcomes('select public.audit_events_csv()', array['staff', 'client_a', 'anon']),
  array['staff: P0001 forbidden', 'client_a: P0001 forbidden', 'anon: 42501 permission denied for function audit_events_csv'], 'admins only');

select * from finish();
rollback;
