package dev.oauthapi.resources;

import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import dev.oauthapi.users.Profiles;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.oauthapi.testing.TestResources.USER;
import static dev.oauthapi.testing.TestResources.USER_TOKEN;
import static dev.oauthapi.testing.TestResources.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.when;

@ExtendWith(DropwizardExtensionsSupport.class)
class UsersResourceTest {
    static final Profiles PROFILES = mock(Profiles.class);
    static final ResourceExtension RESOURCES = TestResources.of(new UsersResource(PROFILES));

    @BeforeEach
    void forget() {
        reset(PROFILES);
    }

    @Test
    void meAnswersTheProfileInItsWireShapeAndIsNeverCached() {
        // No session check ran here: no version, so no cached copy may be trusted.
        when(PROFILES.profile(any(), isNull())).thenReturn(TestResources.profile());

        final TestHttp.Answer answer = TestResources.send(RESOURCES, "GET", "/api/users/me", null, USER_TOKEN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).contains("no-store");
        assertThat(answer.json().path("id").asText()).isEqualTo(USER.toString());
        assertThat(answer.json().path("email").asText()).isEqualTo("ada@example.com");
        assertThat(answer.json().path("role").asText()).isEqualTo("user");
        assertThat(answer.json().path("createdAt").asText()).isEqualTo("2026-11-25T20:52:08Z");
        assertThat(answer.json().path("identities")).singleElement().satisfies(identity -> {
            assertThat(identity.path("provider").asText()).isEqualTo("google");
            assertThat(identity.path("isPrivateEmail").asBoolean()).isFalse();
            assertThat(identity.path("linkedAt").asText()).isEqualTo("2026-11-25T20:52:08Z");
        });
    }

    @Test
    void noTokenOrABadOneIsAProblem401() {
        for (String header : new String[] {null, bearer("forged"), "Basic dXNlcjpwYXNz"}) {
            final TestHttp http = new TestHttp(RESOURCES.target("/").getUri().getPort());
            final java.net.http.HttpRequest.Builder request = http.request("/api/users/me", null)
                    .version(java.net.http.HttpClient.Version.HTTP_1_1);
            if (header != null) {
                request.header("Authorization", header);
            }

            final TestHttp.Answer answer = http.send(request.GET());

            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(answer.code()).isEqualTo("invalid_token");
        }
    }
}
