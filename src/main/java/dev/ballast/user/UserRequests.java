package dev.ballast.user;

import dev.ballast.http.Limits;
import dev.ballast.http.Validation;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the user endpoints and the rules they must satisfy. */
public final class UserRequests {

    /** Letters, digits, dot, dash and underscore: a username is part of profile URLs. */
    static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}._-]+");
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** bcrypt reads at most 72 bytes: a longer password would be silently truncated. */
    static final int PASSWORD_MAX_BYTES = 72;

    private UserRequests() {
    }

    /** The rules a given username, email and password follow, at registration and at every change. */
    static Validation checkFormats(Validation validation, String username, String email, String password, Limits limits) {
        return validation
                .matches("username", username, USERNAME, "may contain only letters, digits, '.', '-' and '_'")
                .matches("email", email, EMAIL, "is invalid")
                .minLength("password", password, limits.passwordMin())
                .maxBytes("password", password, PASSWORD_MAX_BYTES);
    }

    public record NewUser(@Schema(example = "jake") String username, @Schema(example = "jake@jake.jake") String email,
                          @Schema(example = "jakejakejake") String password) {
        void validate(Limits limits) {
            Validation validation = new Validation()
                    .required("username", username, limits.usernameMax())
                    .required("email", email, limits.emailMax())
                    .required("password", password, Integer.MAX_VALUE);
            checkFormats(validation, username, email, password, limits).orFail();
        }
    }

    public record NewUserRequest(NewUser user) {
    }

    public record Login(@Schema(example = "jake@jake.jake") String email, @Schema(example = "jakejakejake") String password) {
        void validate() {
            new Validation()
                    .required("email", email, Integer.MAX_VALUE)
                    .required("password", password, Integer.MAX_VALUE)
                    .orFail();
        }
    }

    public record LoginRequest(Login user) {
    }

    /** Every field is optional: only those given change. */
    public record UpdateUser(@Schema(example = "jake@jake.jake") String email, @Schema(example = "jake") String username, String password,
                             @Schema(example = "I work at statefarm", description = "empty or blank: no bio") String bio,
                             @Schema(example = "https://i.stack.imgur.com/xHWG8.jpg", description = "empty or blank: no image") String image) {
        void validate(Limits limits) {
            Validation validation = new Validation()
                    .check(email != null || username != null || password != null || bio != null || image != null,
                            "user must contain at least one field to update")
                    .notBlankIfPresent("username", username, limits.usernameMax())
                    .notBlankIfPresent("email", email, limits.emailMax())
                    .notBlankIfPresent("password", password, Integer.MAX_VALUE)
                    .maxLength("bio", bio, limits.bioMax())
                    .maxLength("image", image, limits.imageMax());
            checkFormats(validation, username, email, password, limits).orFail();
        }
    }

    public record UpdateUserRequest(UpdateUser user) {
    }
}
