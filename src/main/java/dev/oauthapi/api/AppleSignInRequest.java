package dev.oauthapi.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/auth/apple} and {@code /api/auth/link/apple}. Apple gives the user's name to
 * the app only at the first sign-in, and never puts it in the token: the app sends it here once.
 */
public record AppleSignInRequest(
        @NotBlank String identityToken,
        @Size(max = 2048) String authorizationCode,
        @Size(max = 256) String nonce,
        @Valid FullName fullName,
        @Valid DeviceRequest device) {

    public record FullName(@Size(max = 100) String givenName, @Size(max = 100) String familyName) {
        /** "Given Family", or null when Apple sent neither. */
        public String joined() {
            final String joined = ((givenName == null ? "" : givenName.strip()) + " "
                    + (familyName == null ? "" : familyName.strip())).strip();
            return joined.isEmpty() ? null : joined;
        }
    }

    public String fullNameOrNull() {
        return fullName == null ? null : fullName.joined();
    }

    @Override
    public String toString() {
        return "AppleSignInRequest[identityToken=[REDACTED], authorizationCode=[REDACTED], device=" + device + "]";
    }
}
