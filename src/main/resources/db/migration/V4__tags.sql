-- Tags, shared by articles. A tag name exists once; concurrent creation is settled by the unique key.
create table tags (
    id   bigint generated always as identity primary key,
    name text not null,
    constraint tags_name_key unique (name)
);

create table article_tags (
    article_id bigint not null references articles (id) on delete cascade,
    tag_id     bigint not null references tags (id) on delete cascade,
    primary key (article_id, tag_id)
);

-- Articles by tag.
create index article_tags_tag_idx on article_tags (tag_id, article_id);
