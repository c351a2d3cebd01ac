package dev.oauthapi.resources;

import dev.oauthapi.identity.Provider;
import dev.oauthapi.signin.PasskeySignIn;
import dev.oauthapi.signin.SignInService;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.users.SignInContext;
import dev.oauthapi.users.SignedIn;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.mockito.ArgumentCaptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.oauthapi.testing.TestResources.SESSION;
import static dev.oauthapi.testing.TestResources.USER;
import static dev.oauthapi.testing.TestResources.USER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

@ExtendWith(DropwizardExtensionsSupport.class)
class AuthResourceTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final SignInService SIGN_IN = mock(SignInService.class);
    static final PasskeySignIn PASSKEY_SIGN_IN = mock(PasskeySignIn.class);
    static final ResourceExtension RESOURCES = TestResources.of(new AuthResource(SIGN_IN, PASSKEY_SIGN_IN,
            mock(dev.oauthapi.signin.GuestSignIn.class), Clock.fixed(NOW, ZoneOffset.UTC)));

    @BeforeEach
    void forget() {
        reset(SIGN_IN);
    }

    private static TestHttp.Answer post(String path, String body, String token) {
        return TestResources.send(RESOURCES, "POST", path, body, token);
    }

    private static SignInService.Result signedIn() {
        return new SignInService.Result(TestResources.profile(), new AccessTokens.Issued("access", NOW.plusSeconds(900)),
                new SignedIn(TestResources.profile(), true, SESSION, "app", "refresh", NOW.plus(Duration.ofDays(30))));
    }

    @Test
    void aNonceIsIssuedWithItsLifetime() {
        when(SIGN_IN.issueNonce()).thenReturn("n-1");

        final TestHttp.Answer answer = post("/api/auth/nonce", null, null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("nonce").asText()).isEqualTo("n-1");
        assertThat(answer.json().path("expiresIn").asLong()).isPositive();
    }

    @Test
    void aGoogleSignInAnswersTheUserTheTokensAndWhetherItIsNew() {
        when(SIGN_IN.signIn(any(), any(), any(), any(), any(), any())).thenReturn(signedIn());

        final TestHttp.Answer answer = post("/api/auth/google", "{\"idToken\": \"t\", \"nonce\": \"n\","
                + " \"device\": {\"platform\": \"android\", \"name\": \"Pixel\", \"appVersion\": \"2.1\"}}", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("isNewUser").asBoolean()).isTrue();
        assertThat(answer.json().path("user").path("id").asText()).isEqualTo(USER.toString());
        assertThat(answer.json().path("tokens").path("refreshToken").asText()).isEqualTo("refresh");
        final ArgumentCaptor<SignInContext> context = ArgumentCaptor.forClass(SignInContext.class);
        verify(SIGN_IN).signIn(eq(Provider.GOOGLE), eq("t"), eq("n"), isNull(), isNull(), context.capture());
        assertThat(context.getValue().platform()).isEqualTo("android");
        assertThat(context.getValue().deviceName()).isEqualTo("Pixel");
        assertThat(context.getValue().appVersion()).isEqualTo("2.1");
        assertThat(context.getValue().userAgent()).startsWith("Java-http-client");
    }

    @Test
    void anAppleSignInPassesTheNameAndCode() {
        when(SIGN_IN.signIn(any(), any(), any(), any(), any(), any())).thenReturn(signedIn());

        final TestHttp.Answer answer = post("/api/auth/apple", "{\"identityToken\": \"t\", \"authorizationCode\": \"c\","
                + " \"fullName\": {\"givenName\": \"Ada\", \"familyName\": \"Lovelace\"}}", null);

        assertThat(answer.status()).isEqualTo(200);
        verify(SIGN_IN).signIn(eq(Provider.APPLE), eq("t"), isNull(), eq("Ada Lovelace"), eq("c"), any());
    }

    @Test
    void aSignInWithoutItsTokenIsRefusedNamingTheField() {
        final TestHttp.Answer answer = post("/api/auth/google", "{\"nonce\": \"n\"}", null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("invalid_request");
        assertThat(answer.json().path("detail").asText()).contains("idToken");
        verifyNoInteractions(SIGN_IN);
    }

    @Test
    void linkingNeedsASignedInUserAndIsTheirs() {
        when(SIGN_IN.link(any(), any(), any(), any(), any(), any(), any())).thenReturn(TestResources.profile());

        assertThat(post("/api/auth/link/google", "{\"idToken\": \"t\"}", null).status()).isEqualTo(401);
        final TestHttp.Answer linked = post("/api/auth/link/google", "{\"idToken\": \"t\"}", USER_TOKEN);

        assertThat(linked.status()).isEqualTo(200);
        verify(SIGN_IN).link(eq(USER), eq(Provider.GOOGLE), eq("t"), isNull(), isNull(), isNull(), isNull());
    }
}
