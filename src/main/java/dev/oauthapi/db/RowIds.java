package dev.oauthapi.db;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Ids for new rows: UUIDv7 (RFC 9562), the creation millisecond first, then 74 random bits. Rows
 * made together sit together in their primary-key index, so inserting one touches the pages that
 * the last inserts touched, instead of a random page of an index that outgrew memory (with random
 * UUIDs, sign-in slowed by a quarter at a million users). The time an id shows is no secret: the
 * API shows each session's {@code createdAt} anyway, and no id is a credential.
 */
public final class RowIds {
    private final Clock clock;
    private final SecureRandom random;

    public RowIds(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    public UUID next() {
        final byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        final long millis = clock.millis();
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (millis >>> (40 - 8 * i));
        }
        bytes[6] = (byte) (0x70 | (bytes[6] & 0x0f)); // version 7
        bytes[8] = (byte) (0x80 | (bytes[8] & 0x3f)); // variant 10
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[8 + i] & 0xff);
        }
        return new UUID(most, least);
    }
}
