package dev.oauthapi.api;

/** The answers of {@code /api/app-check}. */
public final class AppCheckResponses {
    private AppCheckResponses() {
    }

    /** A single-use challenge and its lifetime in seconds. */
    public record Challenge(String challenge, long expiresIn) {
    }

    /** An app token for {@code X-App-Check} and its lifetime in seconds. */
    public record AppToken(String appToken, long expiresIn) {
        @Override
        public String toString() {
            return "AppToken[expiresIn=" + expiresIn + "]";
        }
    }
}
