-- A signed-in reader's favorites are read whole (viewer/ViewerFlags), archived ones too: by user, not by a
-- scan of the archive. Built CONCURRENTLY, outside a transaction (V14__archived_favorites_by_user.sql.conf).
-- A failed concurrent build leaves an INVALID index: drop it (drop index concurrently ...) before retrying.
set lock_timeout = '5s';

create index concurrently if not exists archived_favorites_user_idx on archived_favorites (user_id, article_id);
