-- VALIDATE scans with a SHARE UPDATE EXCLUSIVE lock (reads and writes go on); SET NOT NULL then sees the
-- valid CHECK and skips its own scan, so its exclusive lock lasts an instant; the CHECK is then redundant.
set local lock_timeout = '5s';

alter table article_tags validate constraint article_tags_created_at_present;
alter table article_tags alter column article_created_at set not null;
alter table article_tags drop constraint article_tags_created_at_present;

alter table favorites validate constraint favorites_created_at_present;
alter table favorites alter column article_created_at set not null;
alter table favorites drop constraint favorites_created_at_present;
