package dev.oauthapi.admin;

import dev.oauthapi.errors.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageCursorsTest {
    private static final byte[] KEY = new byte[32];
    private final PageCursors cursors = new PageCursors(() -> KEY);

    @Test
    void aCursorNamesThePositionItWasIssuedFor() {
        final PageCursors.UserPosition user = new PageCursors.UserPosition(Instant.parse("2026-11-25T20:52:08.123456Z"),
                UUID.randomUUID());
        final PageCursors.AuditPosition audit = new PageCursors.AuditPosition(Instant.parse("2026-11-25T20:52:08Z"), 42);

        assertThat(cursors.users(cursors.after(user))).isEqualTo(user);
        assertThat(cursors.audit(cursors.after(audit))).isEqualTo(audit);
        assertThat(cursors.users(null)).as("the first page").isNull();
        assertThat(cursors.audit("")).isNull();
    }

    @Test
    void aCursorWeDidNotIssueForThisListIsRefused() {
        final String users = cursors.after(new PageCursors.UserPosition(Instant.now(), UUID.randomUUID()));
        final String audit = cursors.after(new PageCursors.AuditPosition(Instant.now(), 7));
        final byte[] bytes = Base64.getUrlDecoder().decode(users);
        bytes[5] ^= 1;
        final String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        final String otherKey = new PageCursors(() -> new byte[] {1, 2, 3})
                .after(new PageCursors.UserPosition(Instant.now(), UUID.randomUUID()));

        for (String forged : new String[] {tampered, audit, otherKey, "not a cursor", "x".repeat(10_000), "AAAA"}) {
            assertThatThrownBy(() -> cursors.users(forged)).as(forged.length() > 40 ? forged.substring(0, 40) : forged)
                    .isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.detail()).startsWith("cursor: "));
        }
        assertThatThrownBy(() -> cursors.audit(users)).isInstanceOf(ApiException.class);
    }
}
