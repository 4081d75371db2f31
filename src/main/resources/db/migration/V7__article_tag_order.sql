-- Tags keep the order their author gave them: each link of an article to a tag records its position in the list.
-- Online: a nullable column without a default changes only the catalog (no table rewrite, no scan); the lock it
-- needs is brief, and waiting longer than lock_timeout for it fails the migration instead of queueing every
-- reader of article_tags behind it. Existing links are numbered by V7_1; readers order by position, then name.
set local lock_timeout = '5s';

alter table article_tags add column position smallint;
