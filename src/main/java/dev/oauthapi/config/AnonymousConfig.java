package dev.oauthapi.config;

import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

/**
 * The {@code anonymous} block: guest accounts ({@code POST /api/auth/anonymous}).
 *
 * @param enabled   {@code ANONYMOUS_SIGN_IN}: off unless set; every guest endpoint answers 404 then
 * @param retention {@code ANONYMOUS_RETENTION}: a guest with no live session for this long, counted
 *                  from the end of its last session, is deleted
 */
public record AnonymousConfig(boolean enabled, @NotNull Duration retention) {
}
