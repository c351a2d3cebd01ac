package dev.oauthapi.resources;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.sessions.Sessions;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import dev.oauthapi.tokens.AccessTokens;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static dev.oauthapi.testing.TestResources.SESSION;
import static dev.oauthapi.testing.TestResources.USER;
import static dev.oauthapi.testing.TestResources.USER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

@ExtendWith(DropwizardExtensionsSupport.class)
class SessionsResourceTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final RefreshRotation ROTATION = mock(RefreshRotation.class);
    static final Sessions SESSIONS = mock(Sessions.class);
    static final ResourceExtension RESOURCES = TestResources.of(new SessionsResource(ROTATION, SESSIONS,
            Clock.fixed(NOW, ZoneOffset.UTC)));

    @BeforeEach
    void forget() {
        reset(ROTATION, SESSIONS);
    }

    private static TestHttp.Answer send(String method, String path, String body, String token) {
        return TestResources.send(RESOURCES, method, path, body, token);
    }

    @Test
    void aRefreshAnswersBothTokensWithTheirLifetimes() {
        when(ROTATION.refresh(any(), any(), any(), any())).thenReturn(new RefreshRotation.Refreshed(USER, SESSION, "user", "app",
                "next-refresh", NOW.plus(Duration.ofDays(30)), new AccessTokens.Issued("access", NOW.plusSeconds(900)), null, false));

        final TestHttp.Answer answer = send("POST", "/api/auth/refresh", "{\"refreshToken\": \"presented\"}", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).contains("no-store");
        assertThat(answer.json().path("accessToken").asText()).isEqualTo("access");
        assertThat(answer.json().path("refreshToken").asText()).isEqualTo("next-refresh");
        assertThat(answer.json().path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(answer.json().path("expiresIn").asLong()).isEqualTo(900);
        assertThat(answer.json().path("refreshExpiresIn").asLong()).isEqualTo(Duration.ofDays(30).toSeconds());
        verify(ROTATION).refresh(eqString("presented"), isNull(), isNull(), any());
    }

    private static String eqString(String value) {
        return org.mockito.ArgumentMatchers.eq(value);
    }

    @Test
    void aRefreshWithoutATokenOrWithTheDomainsRefusalIsAProblem() {
        assertThat(send("POST", "/api/auth/refresh", "{}", null).code()).isEqualTo("invalid_request");
        verifyNoInteractions(ROTATION);
        when(ROTATION.refresh(any(), any(), any(), any())).thenThrow(new ApiException(ErrorCode.REFRESH_TOKEN_REUSED, "used"));

        final TestHttp.Answer refused = send("POST", "/api/auth/refresh", "{\"refreshToken\": \"old\"}", null);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("refresh_token_reused");
    }

    @Test
    void logoutTakesItsScopeFromTheBodyAndTheCurrentSessionWithoutOne() {
        assertThat(send("POST", "/api/auth/logout", "{\"scope\": \"others\"}", USER_TOKEN).status()).isEqualTo(204);
        verify(SESSIONS).logout(USER, SESSION, Sessions.Scope.OTHERS, null);

        assertThat(send("POST", "/api/auth/logout", null, USER_TOKEN).status()).isEqualTo(204);
        verify(SESSIONS).logout(USER, SESSION, Sessions.Scope.CURRENT, null);

        assertThat(send("POST", "/api/auth/logout", "{\"scope\": \"everything\"}", USER_TOKEN).code())
                .isEqualTo("invalid_request");
        assertThat(send("POST", "/api/auth/logout", null, null).status()).isEqualTo(401);
    }

    @Test
    void theDeviceListMarksTheCurrentSession() {
        final UUID other = UUID.randomUUID();
        when(SESSIONS.live(USER)).thenReturn(List.of(device(SESSION), device(other)));

        final TestHttp.Answer answer = send("GET", "/api/auth/sessions", null, USER_TOKEN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("sessions")).hasSize(2);
        assertThat(answer.json().path("sessions").get(0).path("current").asBoolean()).isTrue();
        assertThat(answer.json().path("sessions").get(1).path("current").asBoolean()).isFalse();
        assertThat(answer.json().path("sessions").get(1).path("id").asText()).isEqualTo(other.toString());
    }

    @Test
    void revokingOneSessionNeedsASessionId() {
        final UUID id = UUID.randomUUID();

        assertThat(send("DELETE", "/api/auth/sessions/" + id, null, USER_TOKEN).status()).isEqualTo(204);
        verify(SESSIONS).revoke(USER, id, USER, null);
        assertThat(send("DELETE", "/api/auth/sessions/not-an-id", null, USER_TOKEN).code()).isEqualTo("not_found");
    }

    private static Sessions.DeviceSession device(UUID id) {
        return new Sessions.DeviceSession(id, "google", "ios", "iPhone", "1.0", "192.0.2.1", "test", NOW, NOW,
                NOW.plus(Duration.ofDays(30)));
    }
}
