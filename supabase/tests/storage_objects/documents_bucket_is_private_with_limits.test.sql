-- Test: the documents bucket is private, capped at 200 MiB, and accepts only the agreed types.
begin;
select plan(5);

select is((select public from storage.buckets where id = 'documents'), false, 'the bucket is private');
select is((select file_size_limit from storage.buckets where id = 'documents'), 209715200::bigint, 'files are capped at 200 MiB');
select ok((select allowed_mime_types @> array['application/pdf', 'message/rfc822', 'application/zip', 'image/jpeg',
                                              'application/vnd.openxmlformats-officedocument.wordprocessingml.document']
             from storage.buckets where id = 'documents'), 'PDF, e-mails, ZIP, images and Office files are accepted');
select ok((select not (allowed_mime_types && array['text/html', 'image/svg+xml', 'application/javascript', 'application/x-msdownload'])
             from storage.buckets where id = 'documents'), 'HTML, SVG, scripts and executables are not');
select is((select allowed_mime_types from storage.buckets where id = 'documents'), private.allowed_document_mime_types(),
  'bucket and RPC check the same list');

select * from finish();
rollback;
