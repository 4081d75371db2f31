package dev.ballast.user;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The authenticated user as RealWorld returns it, token included. */
public record User(@Schema(example = "jake@jake.jake") String email, @Schema(example = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl") String token,
                   @Schema(example = "jake") String username, @Schema(example = "I work at statefarm") String bio,
                   @Schema(example = "https://i.stack.imgur.com/xHWG8.jpg") String image) {
}
