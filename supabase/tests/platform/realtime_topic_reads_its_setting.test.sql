-- Test: realtime.topic() returns the topic the Realtime server sets while checking a channel join.
begin;
select plan(3);

select is(realtime.topic(), null, 'without a topic setting realtime.topic() is null');

select set_config('realtime.topic', 'conversation:42', true);
select is(realtime.topic(), 'conversation:42', 'realtime.topic() reads the realtime.topic setting');

select realtime.send('{"hello":"world"}'::jsonb, 'greeting', 'room:1', true);
select is(
  (select payload ->> 'hello' from realtime.messages where topic = 'room:1' and event = 'greeting'),
  'world',
  'realtime.send() stores the broadcast in realtime.messages'
);

select * from finish();
rollback;
