-- Favorites. The primary key answers "has this user favorited this article"; the second index serves
-- "articles favorited by a user".
create table favorites (
    user_id    bigint      not null references users (id) on delete cascade,
    article_id bigint      not null references articles (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (article_id, user_id)
);

create index favorites_user_idx on favorites (user_id, article_id);
