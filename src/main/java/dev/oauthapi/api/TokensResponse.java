package dev.oauthapi.api;

import java.time.Duration;
import java.time.Instant;

/** Our tokens for the app: lifetimes in whole seconds, and our clock so the app can tell skew. */
public record TokensResponse(String accessToken, String refreshToken, String tokenType, long expiresIn,
                             long refreshExpiresIn, String serverTime) {

    /** @param tokenType {@code Bearer}, or {@code DPoP} for a bound access token */
    public static TokensResponse of(String accessToken, String tokenType, Instant accessExpiresAt, String refreshToken,
                                    Instant refreshExpiresAt, Instant now) {
        return new TokensResponse(accessToken, refreshToken, tokenType, seconds(now, accessExpiresAt),
                seconds(now, refreshExpiresAt), WireTime.format(now));
    }

    /** Whole seconds, rounded: the milliseconds between signing and answering are not a lost second. */
    private static long seconds(Instant from, Instant to) {
        return Math.round(Duration.between(from, to).toMillis() / 1000.0);
    }

    @Override
    public String toString() {
        return "TokensResponse[accessToken=[REDACTED], refreshToken=[REDACTED], expiresIn=" + expiresIn + "]";
    }
}
