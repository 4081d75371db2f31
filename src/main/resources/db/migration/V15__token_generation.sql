-- Each user's token generation: tokens carry the generation they were issued in, and every password change
-- bumps it, so tokens issued before the change are refused (dev.ballast.auth.TokenGenerations). A column with
-- a constant default changes only the catalog (no table rewrite); the brief ACCESS EXCLUSIVE lock it needs
-- must not queue behind a long transaction with every other user of the table queued behind it.
set local lock_timeout = '5s';

alter table users add column token_generation bigint not null default 0;
