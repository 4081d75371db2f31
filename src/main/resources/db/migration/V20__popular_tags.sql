-- GET /api/tags answers the most used tags: by live articles (articles_count, V8/V16) descending, then by name, at
-- most TAGS_POPULAR_MAX (tag/TagRepository.POPULAR). This index holds the tags in use in that order, so the answer
-- is its first entries (an index scan with a limit, whatever the number of tags) instead of a sort of them all.
-- Its price: articles_count is now indexed, so the update of a tag's counter at commit (V16) writes an index entry
-- instead of staying a heap-only update. Tags no live article uses are left out of it.
-- Built CONCURRENTLY, outside a transaction (V20__popular_tags.sql.conf): writes go on during the build. A failed
-- concurrent build leaves an INVALID index: drop it (drop index concurrently ...) before retrying.
set lock_timeout = '5s';

create index concurrently if not exists tags_popular_idx on tags (articles_count desc, name) where articles_count > 0;
