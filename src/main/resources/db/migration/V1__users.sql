-- Users. Usernames are case-sensitive (they appear in URLs); emails are unique whatever their case.
create table users (
    id            bigint generated always as identity primary key,
    username      text        not null,
    email         text        not null,
    password_hash text        not null,
    bio           text,
    image         text,
    created_at    timestamptz not null default now(),
    constraint users_username_key unique (username)
);

create unique index users_email_key on users (lower(email));
