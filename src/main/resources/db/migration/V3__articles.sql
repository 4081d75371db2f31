-- Articles. favorites_count is kept by the same statement that adds or removes a favorite, so a list
-- page never counts favorites row by row.
create table articles (
    id              bigint generated always as identity primary key,
    slug            text        not null,
    title           text        not null,
    description     text        not null,
    body            text        not null,
    author_id       bigint      not null references users (id) on delete cascade,
    favorites_count integer     not null default 0 check (favorites_count >= 0),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint articles_slug_key unique (slug)
);

-- The global list, newest first.
create index articles_created_idx on articles (created_at desc, id desc);
-- Articles by author, and the feed (articles by the authors one follows), newest first.
create index articles_author_created_idx on articles (author_id, created_at desc, id desc);
