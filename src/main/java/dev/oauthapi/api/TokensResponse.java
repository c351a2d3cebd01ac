package dev.oauthapi.api;

import java.time.Duration;
import java.time.Instant;

/** Our tokens for the app: lifetimes in whole seconds, and our clock so the app can tell skew. */
public record TokensResponse(String accessToken, String refreshToken, String tokenType, long expiresIn,
                             long refreshExpiresIn, String serverTime) {

    public static TokensResponse of(String accessToken, Instant accessExpiresAt, String refreshToken,
                                    Instant refreshExpiresAt, Instant now) {
        return new TokensResponse(accessToken, refreshToken, "Bearer",
                Duration.between(now, accessExpiresAt).toSeconds(),
                Duration.between(now, refreshExpiresAt).toSeconds(),
                WireTime.format(now));
    }

    @Override
    public String toString() {
        return "TokensResponse[accessToken=[REDACTED], refreshToken=[REDACTED], expiresIn=" + expiresIn + "]";
    }
}
