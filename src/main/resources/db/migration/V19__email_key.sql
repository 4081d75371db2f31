-- Emails are unique, and looked up, by one folding that the application computes alike (user/Emails): the email
-- in Unicode NFC (as the application stores it), with ASCII letters in lower case, which is what lower() does under
-- the C collation. The index it replaces folded with the database's locale, whose lower() turns 'İ' into 'i' where
-- Java's gives 'i̇': the failed-login budget and the lookup then disagreed on which spellings name one account.
-- Built CONCURRENTLY (this script runs outside a transaction, V19__email_key.sql.conf). Replicas of earlier versions
-- still look emails up by the database's lower() during a rolling update, without an index.
-- A failed concurrent build leaves an INVALID index: drop it (drop index concurrently ...) before retrying.
set lock_timeout = '5s';

do $$
begin
    -- normalize() needs a UTF8 database; in any other encoding the stored emails cannot hold such letters anyway.
    if current_setting('server_encoding') = 'UTF8' then
        update users set email = normalize(email, NFC) where email is not nfc normalized;
    end if;
end
$$;

create unique index concurrently if not exists users_email_folded_key on users (lower(email collate "C"));
drop index concurrently if exists users_email_key;
