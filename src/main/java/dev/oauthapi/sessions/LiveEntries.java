package dev.oauthapi.sessions;

import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SessionRef;
import dev.oauthapi.tokens.Roles;
import dev.oauthapi.tokens.ServerMac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * What Redis keeps of a live session: {@code role.version.mac}, the user's role as of that version
 * of the user, MACed with a key every instance shares. A role read back from Redis grants more than
 * a revocation does, so one we did not write (or wrote for another session, role or version) is
 * not trusted: PostgreSQL decides, and the metric counts it.
 */
final class LiveEntries {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ServerMac mac;
    private final AuthMetrics metrics;

    LiveEntries(ServerMac mac, AuthMetrics metrics) {
        this.mac = mac;
        this.metrics = metrics;
    }

    String of(SessionRef session, String role, String userVersion) {
        return role + "." + userVersion + "." + signature(session, role, userVersion);
    }

    /** The role in an entry of ours for the user's current version; else null. */
    String roleIn(SessionRef session, String entry, String userVersion) {
        if (entry == null || userVersion == null) {
            return null;
        }
        final String[] parts = entry.split("\\.", -1);
        if (parts.length != 3 || !Roles.ALL.contains(parts[0])) {
            return null; // an older release's entry, or none of ours: PostgreSQL decides
        }
        if (!MessageDigest.isEqual(signature(session, parts[0], parts[1]).getBytes(StandardCharsets.US_ASCII),
                parts[2].getBytes(StandardCharsets.US_ASCII))) {
            metrics.untrustedRedisValue("session_role");
            return null;
        }
        return parts[1].equals(userVersion) ? parts[0] : null;
    }

    private String signature(SessionRef session, String role, String userVersion) {
        final byte[] signed = (session.userId() + " " + session.sessionId() + " " + role + " " + userVersion)
                .getBytes(StandardCharsets.US_ASCII);
        return BASE64URL.encodeToString(mac.of(signed, signed.length));
    }
}
