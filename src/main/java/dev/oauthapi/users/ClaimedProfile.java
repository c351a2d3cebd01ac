package dev.oauthapi.users;

import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.identity.VerifiedIdToken;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * What a provider's token says the profile could show, made safe to keep: a name of sane length
 * (the token's, else the one the app passed, as Apple sends it only once), and a picture only when
 * it is an https URL. It fills the profile's empty fields, never overwrites the user's own.
 */
record ClaimedProfile(String email, boolean emailAuthoritative, String name, String picture) {
    private static final int MAX_NAME = 100;
    private static final int MAX_URL = 2048;

    static ClaimedProfile of(VerifiedIdToken token, String fullName) {
        return new ClaimedProfile(token.email(), token.isEmailAuthoritative(), firstNonBlank(token.name(), fullName),
                httpsUrlOrNull(token.picture()));
    }

    /** Whether {@link #fill} would change anything: most sign-ins skip the statement. */
    boolean wouldFill(UserRow user) {
        return (user.email() == null && email != null) || (user.name() == null && name != null)
                || (user.avatarUrl() == null && picture != null);
    }

    void fill(UserDao users, UUID userId, Instant now) {
        users.fillEmptyProfile(userId, email, emailAuthoritative, name, picture, now);
    }

    private static String firstNonBlank(String first, String second) {
        final String chosen = first != null && !first.isBlank() ? first : second;
        if (chosen == null || chosen.isBlank()) {
            return null;
        }
        final String stripped = chosen.strip();
        return stripped.length() <= MAX_NAME ? stripped : stripped.substring(0, MAX_NAME);
    }

    /** Provider pictures are shown by apps: only https URLs of sane length are kept. */
    private static String httpsUrlOrNull(String url) {
        if (url == null || url.length() > MAX_URL) {
            return null;
        }
        try {
            final URI uri = URI.create(url);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null ? url : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
