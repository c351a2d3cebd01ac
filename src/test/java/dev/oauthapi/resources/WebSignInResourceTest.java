package dev.oauthapi.resources;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.signin.SignInService;
import dev.oauthapi.signin.WebSignIn;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.users.SignedIn;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.oauthapi.testing.TestResources.SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The browser flow's HTTP shape: 302 to the provider and back, 303 after Apple's form post, JSON for the exchange. */
@ExtendWith(DropwizardExtensionsSupport.class)
class WebSignInResourceTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final WebSignIn WEB = mock(WebSignIn.class);
    static final ResourceExtension RESOURCES = TestResources.of(new WebSignInResource(WEB, Clock.fixed(NOW, ZoneOffset.UTC)));

    @BeforeEach
    void forget() {
        reset(WEB);
    }

    private static TestHttp.Answer send(HttpRequest.Builder request) {
        return new TestHttp(RESOURCES.target("/").getUri().getPort()).send(request
                .version(java.net.http.HttpClient.Version.HTTP_1_1));
    }

    private static HttpRequest.Builder request(String path) {
        return new TestHttp(RESOURCES.target("/").getUri().getPort()).request(path, null);
    }

    @Test
    void authorizeSendsTheBrowserToTheProvider() {
        when(WEB.authorize(any(), any(), any(), any(), any())).thenReturn(URI.create("https://accounts.example/auth?x=1"));

        final TestHttp.Answer answer = send(request("/api/auth/google/authorize?redirect_uri=myapp%3A%2Fcb"
                + "&code_challenge=abc&code_challenge_method=S256&state=s1").GET());

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo("https://accounts.example/auth?x=1");
        verify(WEB).authorize("google", "myapp:/cb", "abc", "S256", "s1");
    }

    @Test
    void aRefusedAuthorizationIsAProblemNotARedirect() {
        when(WEB.authorize(any(), any(), any(), any(), any()))
                .thenThrow(new ApiException(ErrorCode.INVALID_REQUEST, "redirect_uri: not one of this server's"));

        final TestHttp.Answer answer = send(request("/api/auth/apple/authorize").GET());

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.code()).isEqualTo("invalid_request");
    }

    @Test
    void theCallbacksSendTheBrowserToTheApp() {
        when(WEB.googleCallback(any(), any(), any())).thenReturn(URI.create("myapp:/cb?code=c1"));
        when(WEB.appleCallback(any(), any(), any(), any(), any())).thenReturn(URI.create("myapp:/cb?code=c2"));

        final TestHttp.Answer google = send(request("/api/auth/google/callback?code=g&state=s").GET());
        final TestHttp.Answer apple = send(request("/api/auth/apple/callback")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=a&id_token=t&state=s&user=%7B%7D")));

        assertThat(google.status()).isEqualTo(302);
        assertThat(google.header("Location")).isEqualTo("myapp:/cb?code=c1");
        assertThat(apple.status()).as("a POST is answered 303, so the browser GETs the app").isEqualTo(303);
        assertThat(apple.header("Location")).isEqualTo("myapp:/cb?code=c2");
        verify(WEB).googleCallback("g", "s", null);
        verify(WEB).appleCallback("a", "t", "s", "{}", null);
    }

    @Test
    void theExchangeAnswersAnOrdinarySignIn() {
        when(WEB.exchange(any(), any(), any())).thenReturn(new SignInService.Result(TestResources.profile(),
                new AccessTokens.Issued("access", NOW.plusSeconds(900)),
                new SignedIn(TestResources.profile(), false, SESSION, "web", "refresh", NOW.plus(Duration.ofDays(30)))));

        final TestHttp.Answer answer = TestResources.send(RESOURCES, "POST", "/api/auth/exchange",
                "{\"code\": \"c1\", \"codeVerifier\": \"" + "v".repeat(43) + "\"}", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("tokens").path("accessToken").asText()).isEqualTo("access");
        assertThat(answer.json().path("isNewUser").asBoolean()).isFalse();
        verify(WEB).exchange(eq("c1"), eq("v".repeat(43)), any());
    }

    @Test
    void anExchangeWithoutItsVerifierNeverReachesTheDomain() {
        final TestHttp.Answer answer = TestResources.send(RESOURCES, "POST", "/api/auth/exchange", "{\"code\": \"c1\"}", null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("detail").asText()).contains("codeVerifier");
        verifyNoInteractions(WEB);
    }
}
