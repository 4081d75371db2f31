-- A user's favorites are no longer counted on every write: a favorite or unfavorite noted its change for the
-- counters at commit (V16), about a third of its database work, to keep users.favorites_count, which only the
-- total of a `favorited=` list read. That total is now counted when the list is read (an index-only count of
-- the user's entries in favorites_user_created_idx), and the list with its total stays cached until the user
-- favorites or unfavorites again. Articles per author and per tag, and each article's favorites, are still
-- counted as before.
--
-- users.favorites_count stays, no longer kept, while replicas of earlier versions may still read it during a
-- rolling update (their totals of `favorited=` lists then miss the favorites since this migration); a later
-- migration drops it once none runs.
set local lock_timeout = '5s';

drop trigger favorites_added on favorites;
drop trigger favorites_removed on favorites;
drop function note_favorites();

comment on column users.favorites_count is
    'Not kept since V18 (favorites are counted when a list reads them); to be dropped by a later migration.';
