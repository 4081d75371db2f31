-- NOT NULL for the copied creation times without scanning under an exclusive lock: a CHECK added NOT VALID
-- is instant (only new rows are checked); V11 validates it while writes go on, then SET NOT NULL uses it
-- instead of scanning.
set local lock_timeout = '5s';

alter table article_tags add constraint article_tags_created_at_present
    check (article_created_at is not null) not valid;
alter table favorites add constraint favorites_created_at_present
    check (article_created_at is not null) not valid;
