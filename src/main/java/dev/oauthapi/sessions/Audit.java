package dev.oauthapi.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.db.AuditDao;
import dev.oauthapi.errors.RequestIds;
import org.jdbi.v3.core.Handle;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Writes security events into {@code audit_log}, inside the caller's transaction. */
public final class Audit {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every event the log records. The stored name ({@link #stored()}, the constant in snake_case)
     * is what operators query and alert on: an event is never renamed, only added.
     */
    public enum Event {
        SIGN_IN,
        LOGOUT,
        SESSION_REVOKED,
        REFRESH_TOKEN_REUSED,
        IDENTITY_LINKED,
        IDENTITY_UNLINKED,
        ACCOUNT_DELETED,
        ACCOUNT_DISABLED,
        ACCOUNT_ENABLED,
        ROLE_CHANGED,
        PROVIDER_EVENT,
        PROVIDER_TOKEN_REVOKED,
        PROVIDER_TOKEN_REVOKE_FAILED,
        PROVIDER_TOKEN_REVOKE_ABANDONED,
        PASSKEY_REGISTERED,
        PASSKEY_DELETED,
        /** A passkey's signature counter did not increase: audited, and refused for a device-bound one. */
        PASSKEY_COUNTER_ANOMALY,
        /** An admin revoked an App Attest device key: its later assertions are refused. */
        APP_ATTEST_KEY_REVOKED,
        /** A guest linked an identity or added a passkey: a full account now, with the same id. */
        GUEST_UPGRADED,
        /** A guest was merged into an existing account: audited on both, each naming the other. */
        GUEST_MERGED,
        /** A guest without a live session for {@code ANONYMOUS_RETENTION} was deleted. */
        GUEST_DELETED,
        /** An Apple identity moved to the subject Apple gave it under another team (TN3159). */
        APPLE_SUBJECT_TRANSFERRED;

        public String stored() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Audit() {
    }

    /**
     * @param userId  whom the event is about
     * @param actorId the signed-in user who did it: the user themselves, or an admin; null for the
     *                service itself, a provider and the command line (whose details name the OS user)
     * @param details must hold no token and no full e-mail address
     */
    public static void record(Handle handle, Instant at, Event event, UUID userId, UUID actorId, UUID sessionId,
                              String ip, Map<String, ?> details) {
        new AuditDao(handle).insert(at, event.stored(), userId, actorId, sessionId, ip, RequestIds.current(),
                json(details));
    }

    /** An audit row's details as stored: a JSON object. */
    static String json(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
