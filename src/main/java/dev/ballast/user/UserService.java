package dev.ballast.user;

import dev.ballast.auth.TokenService;
import dev.ballast.cache.ReadCaches;
import dev.ballast.http.ApiException;
import dev.ballast.http.Limits;
import dev.ballast.protection.FailedLogins;
import dev.ballast.user.UserRequests.Login;
import dev.ballast.user.UserRequests.NewUser;
import dev.ballast.user.UserRequests.UpdateUser;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Registration, login and account changes: validation, password hashing off the event loop, tokens. */
@ApplicationScoped
class UserService {

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final Limits limits;
    private final ReadCaches caches;

    UserService(UserRepository users, PasswordHasher hasher, TokenService tokens, Limits limits, ReadCaches caches) {
        this.caches = caches;
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.limits = limits;
    }

    Uni<User> register(NewUser user) {
        user.validate(limits);
        String username = user.username().trim();
        String email = user.email().trim();
        // The cheap check first gives clear messages without spending a hash; the insert's unique keys settle races.
        return users.requireAvailable(username, email, 0)
                .chain(() -> hasher.hash(user.password()))
                .chain(hash -> users.insert(username, email, hash))
                .map(this::withToken);
    }

    /** Injected beside the login path that alone uses it. */
    @Inject
    FailedLogins failedLogins;

    Uni<User> login(Login login) {
        login.validate();
        // Counted per email whether or not it exists, before any lookup: a refusal reveals nothing about the account.
        failedLogins.attempt(login.email());
        return users.byEmail(login.email().trim())
                .chain(user -> hasher.matches(login.password(), user == null ? null : user.passwordHash())
                        .map(matches -> {
                            if (!matches) {
                                throw ApiException.unauthorized("email or password is invalid");
                            }
                            failedLogins.succeeded(login.email());
                            return withToken(user);
                        }))
                .onFailure(failure -> !(failure instanceof ApiException refused && refused.status() == 401))
                .invoke(() -> failedLogins.notChecked(login.email()));
    }

    Uni<User> current(long userId) {
        return existing(userId).map(this::withToken);
    }

    Uni<User> update(long userId, UpdateUser change) {
        change.validate(limits);
        String username = change.username() == null ? null : change.username().trim();
        String email = change.email() == null ? null : change.email().trim();
        Uni<String> passwordHash = change.password() == null ? Uni.createFrom().nullItem() : hasher.hash(change.password());
        return users.requireAvailable(username, email, userId)
                .chain(() -> passwordHash)
                .chain(hash -> users.update(userId, username, email, hash, change.bio(), change.image()))
                .onItem().ifNull().failWith(UserService::unknownUser)
                .call(caches::userChanged)
                .map(this::withToken);
    }

    private Uni<UserRow> existing(long userId) {
        return users.byId(userId).onItem().ifNull().failWith(UserService::unknownUser);
    }

    /** A valid token whose user no longer exists authenticates nobody. */
    private static ApiException unknownUser() {
        return ApiException.unauthorized("the user of this token no longer exists");
    }

    private User withToken(UserRow user) {
        return user.withToken(tokens.issue(user.id()));
    }
}
