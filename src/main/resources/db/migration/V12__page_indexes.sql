-- Indexes that hold list pages in list order, so a page's ids come from an index-only scan (for "by tag"
-- and "favorited by"; "all", "by author" and the feed already have theirs in V3). Built CONCURRENTLY:
-- writes go on during the build. This script runs outside a transaction (V12__page_indexes.sql.conf).
-- A failed concurrent build leaves an INVALID index: drop it (drop index concurrently ...) before retrying.
set lock_timeout = '5s';

create index concurrently if not exists article_tags_tag_created_idx
    on article_tags (tag_id, article_created_at desc, article_id desc);
create index concurrently if not exists favorites_user_created_idx
    on favorites (user_id, article_created_at desc, article_id desc);

-- Their predecessors lead with the same column, so the new ones serve everything they did.
drop index concurrently if exists article_tags_tag_idx;
drop index concurrently if exists favorites_user_idx;
