-- Who follows whom. The primary key serves "is X following Y" and the feed (follower -> followees);
-- the second index serves deleting or counting a user's followers.
create table follows (
    follower_id bigint      not null references users (id) on delete cascade,
    followee_id bigint      not null references users (id) on delete cascade,
    created_at  timestamptz not null default now(),
    primary key (follower_id, followee_id),
    constraint follows_not_self check (follower_id <> followee_id)
);

create index follows_followee_idx on follows (followee_id);
