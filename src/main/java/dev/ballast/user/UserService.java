package dev.ballast.user;

import dev.ballast.auth.CurrentUser.SignedIn;
import dev.ballast.auth.TokenService;
import dev.ballast.db.ReadYourWrites;
import dev.ballast.facts.Fact;
import dev.ballast.facts.Fact.PasswordChanged;
import dev.ballast.facts.Fact.ProfileChanged;
import dev.ballast.facts.Facts;
import dev.ballast.failures.Unauthenticated;
import dev.ballast.http.Limits;
import dev.ballast.protection.AuthBudgets;
import dev.ballast.protection.FailedLogins;
import dev.ballast.user.UserRequests.Login;
import dev.ballast.user.UserRequests.NewUser;
import dev.ballast.user.UserRequests.UpdateUser;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Registration, login and account changes: validation, password hashing off the event loop, tokens. A token is
 * issued only at registration, login and a password change (which ends every earlier one): a caller never gets a
 * fresh token for the one they sent, so a token cannot outlive its expiry by renewing itself.
 */
@ApplicationScoped
class UserService {

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final Limits limits;
    private final Facts facts;
    private final AuthBudgets authBudgets;
    private final ReadYourWrites readYourWrites;

    UserService(UserRepository users, PasswordHasher hasher, TokenService tokens, Limits limits, Facts facts,
                AuthBudgets authBudgets, ReadYourWrites readYourWrites) {
        this.readYourWrites = readYourWrites;
        this.authBudgets = authBudgets;
        this.facts = facts;
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.limits = limits;
    }

    Uni<User> register(NewUser user) {
        user.validate(limits);
        String username = user.username().trim();
        String email = Emails.stored(user.email());
        // The cheap check first gives clear messages without spending a hash; the insert's unique keys settle races.
        return users.availability(username, email, 0)
                .invoke(UserRepository.Availability::require)
                .chain(() -> hasher.hash(user.password()))
                .chain(hash -> users.insert(username, email, hash))
                // The new user's next reads, wherever they land, must find the account (read replicas).
                .call(row -> readYourWrites.wroteAs(row.id()))
                .map(this::withToken);
    }

    /** Injected beside the login path that alone uses it. */
    @Inject
    FailedLogins failedLogins;

    Uni<User> login(Login login) {
        login.validate();
        // Counted per account key whether or not it exists, before any lookup: a refusal reveals nothing about the
        // account, and every spelling that finds the account counts against its one budget.
        String account = Emails.key(login.email());
        failedLogins.attempt(account);
        return users.byEmail(login.email())
                .chain(user -> hasher.matches(login.password(), user == null ? null : user.passwordHash())
                        .map(matches -> {
                            if (!matches) {
                                throw new Unauthenticated("email or password is invalid");
                            }
                            failedLogins.succeeded(account);
                            return withToken(user);
                        }))
                .onFailure(failure -> !(failure instanceof Unauthenticated))
                .invoke(() -> failedLogins.notChecked(account));
    }

    /** The caller's account, with the token they sent. */
    Uni<User> current(SignedIn caller) {
        return existing(caller.id()).map(user -> user.withToken(caller.token()));
    }

    /**
     * Changes the caller's account. Only a new password ends the caller's tokens (a fresh one is returned, of the
     * new generation); otherwise the token they sent is returned. What others see of the user changed only when
     * their name, bio or image did. A new password or another email counts against the auth budgets
     * ({@link AuthBudgets}), and an account changes its password one request at a time.
     */
    Uni<User> update(SignedIn caller, UpdateUser change) {
        change.validate(limits);
        if (change.password() == null) {
            return changed(caller, change, false);
        }
        return authBudgets.onePasswordChangeAtATime(caller.id(), () -> {
            authBudgets.accountChange(caller.id());
            return changed(caller, change, true);
        });
    }

    private Uni<User> changed(SignedIn caller, UpdateUser change, boolean counted) {
        long userId = caller.id();
        String username = change.username() == null ? null : change.username().trim();
        String email = change.email() == null ? null : Emails.stored(change.email());
        Uni<String> passwordHash = change.password() == null ? Uni.createFrom().nullItem() : hasher.hash(change.password());
        return users.availability(username, email, userId)
                .invoke(availability -> {
                    // Counted before the answer says whether the email was taken: probing emails here costs
                    // what it costs at registration. The caller's own email (the settings form sends it) is free.
                    if (availability.emailChanges() && !counted) {
                        authBudgets.accountChange(userId);
                    }
                    availability.require();
                })
                .chain(() -> passwordHash)
                .chain(hash -> users.update(userId, username, email, hash, change.bio(), change.image()))
                .onItem().ifNull().failWith(UserService::unknownUser)
                .invoke(update -> facts.committed(factsOf(userId, update)))
                .map(update -> update.passwordChanged() ? withToken(update.user()) : update.user().withToken(caller.token()));
    }

    private static List<Fact> factsOf(long userId, UserUpdate update) {
        List<Fact> changed = new ArrayList<>(2);
        if (update.shownChanged()) {
            changed.add(new ProfileChanged(userId, update.usernameBefore(), update.user().username()));
        }
        if (update.passwordChanged()) {
            changed.add(new PasswordChanged(userId));
        }
        return changed;
    }

    private Uni<UserRow> existing(long userId) {
        return users.byId(userId).onItem().ifNull().failWith(UserService::unknownUser);
    }

    /** A valid token whose user no longer exists authenticates nobody. */
    private static Unauthenticated unknownUser() {
        return new Unauthenticated("the user of this token no longer exists");
    }

    private User withToken(UserRow user) {
        return user.withToken(tokens.issue(user.id(), user.tokenGeneration()));
    }
}
