package dev.oauthapi.admin;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.tokens.ServerMac;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The opaque {@code cursor} of the admin lists: the position of the last item of a page (its time
 * and id, the keyset the next page starts after), for one list, signed with a key all instances
 * share. A cursor we did not issue, or issued for the other list, is {@code 400 invalid_request}:
 * it is never taken for the first page, which would show a client the same items again.
 *
 * <p>Layout, base64url without padding: version (1 byte), list (1), time in epoch microseconds
 * (8, PostgreSQL's precision), id (16 for a user, 8 for an audit event), HMAC-SHA256 of all that
 * cut to 16 bytes.
 */
public final class PageCursors {
    private static final byte VERSION = 1;
    private static final byte USERS = 1;
    private static final byte AUDIT = 2;

    private final ServerMac mac;

    /** @param key the shared HMAC key, looked up on first use */
    public PageCursors(Supplier<byte[]> key) {
        this.mac = new ServerMac(key);
    }

    /** Where a page of users ended. */
    public record UserPosition(Instant createdAt, UUID id) {
    }

    /** Where a page of audit events ended. */
    public record AuditPosition(Instant occurredAt, long id) {
    }

    public String after(UserPosition position) {
        return sign(ByteBuffer.allocate(2 + 8 + 16).put(VERSION).put(USERS).putLong(micros(position.createdAt()))
                .putLong(position.id().getMostSignificantBits()).putLong(position.id().getLeastSignificantBits()));
    }

    public String after(AuditPosition position) {
        return sign(ByteBuffer.allocate(2 + 8 + 8).put(VERSION).put(AUDIT).putLong(micros(position.occurredAt()))
                .putLong(position.id()));
    }

    /** The position a users cursor names; null for none (the first page). */
    public UserPosition users(String cursor) {
        final ByteBuffer body = verified(cursor, USERS, 16);
        return body == null ? null
                : new UserPosition(instant(body.getLong()), new UUID(body.getLong(), body.getLong()));
    }

    /** The position an audit cursor names; null for none (the first page). */
    public AuditPosition audit(String cursor) {
        final ByteBuffer body = verified(cursor, AUDIT, 8);
        return body == null ? null : new AuditPosition(instant(body.getLong()), body.getLong());
    }

    private String sign(ByteBuffer body) {
        return mac.seal(body.array());
    }

    /** The cursor's body after its list byte, positioned at the time; refused unless we issued it for this list. */
    private ByteBuffer verified(String cursor, byte list, int idBytes) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        final byte[] bytes = mac.open(cursor, 2 + 8 + idBytes)
                .filter(opened -> opened[0] == VERSION && opened[1] == list)
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_REQUEST,
                        "cursor: not one this list gave out; start without it."));
        return ByteBuffer.wrap(bytes, 2, 8 + idBytes);
    }

    private static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
