-- Read-your-writes across app replicas (dev.ballast.db.ReadYourWrites): after a signed-in client's write, the
-- primary's WAL insert position, per user. A read of that user's goes to a streaming replica only once the replica
-- has replayed this position; until then, to the primary. Read and written on the primary only. One row per user
-- who ever wrote while read replicas were configured; updated in place.
create table write_positions (
    user_id bigint primary key,
    position pg_lsn not null
);
