package dev.oauthapi.resources;

import dev.oauthapi.api.SignInResponse;
import dev.oauthapi.api.TokensResponse;
import dev.oauthapi.api.UserResponse;
import dev.oauthapi.users.SignInService;

import java.time.Clock;

/** A sign-in's answer on the wire, whichever way it came: an app's token, or the browser's code. */
final class SignInResponses {
    private SignInResponses() {
    }

    static SignInResponse of(SignInService.Result result, Clock clock) {
        return new SignInResponse(UserResponse.of(result.user()),
                TokensResponse.of(result.accessToken().token(), result.accessToken().expiresAt(),
                        result.session().refreshToken(), result.session().refreshExpiresAt(), clock.instant()),
                result.session().isNewUser());
    }
}
