-- Test: a superuser who lifts the append-only trigger and changes a row, deletes one in the middle
-- or the newest, or inserts one with the chaining trigger off, is caught by verify_audit_chain.
begin;
select plan(5);

select tests.create_portal_world();
select private.audit('test.one', 'test', '1'), private.audit('test.two', 'test', '2'), private.audit('test.three', 'test', '3');

-- Tampers as the superuser, asks the admin's verify, then undoes everything (the raised answer
-- rolls the block back) and returns what verify said.
create function pg_temp.verify_after(tampering text) returns text
language plpgsql
as $$
declare
  answer jsonb;
begin
  alter table ops.audit_events disable trigger audit_events_are_append_only;
  execute tampering;
  alter table ops.audit_events enable trigger audit_events_are_append_only;
  perform tests.act_as('lawyer');
  answer := public.verify_audit_chain();
  perform tests.clear_authentication();
  raise exception using message = concat_ws(' ', answer ->> 'intact', answer ->> 'problem');
exception
  when others then
    perform tests.clear_authentication();
    return sqlerrm;
end;
$$;

select is(pg_temp.verify_after('select 1'), 'true', 'untouched, the chain is intact');
select is(pg_temp.verify_after($$update ops.audit_events set details = '{"downloads": 0}' where action = 'test.two'$$),
  'false changed_event', 'a changed row');
select is(pg_temp.verify_after($$delete from ops.audit_events where action = 'test.two'$$), 'false missing_event', 'a deleted row');
select is(pg_temp.verify_after($$delete from ops.audit_events where chain_position = (select max(chain_position) from ops.audit_events)$$),
  'false missing_event', 'the newest row deleted (the head no longer matches)');
select is(pg_temp.verify_after($$
  alter table ops.audit_events disable trigger audit_events_chain;
  insert into ops.audit_events (actor_role, action, entity_type, chain_position, previous_hash, hash)
  values ('postgres', 'test.forged', 'test', (select max(chain_position) + 1000 from ops.audit_events), '\x00', '\x00');
  alter table ops.audit_events enable trigger audit_events_chain$$), 'false missing_event', 'a row slipped in without the chain');

select * from finish();
rollback;
