package dev.oauthapi.resources;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import dev.oauthapi.passkeys.Passkeys;
import dev.oauthapi.users.AccountDeletion;
import dev.oauthapi.users.Identities;
import dev.oauthapi.users.Profiles;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.oauthapi.testing.TestResources.USER;
import static dev.oauthapi.testing.TestResources.USER_TOKEN;
import static dev.oauthapi.testing.TestResources.bearer;
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
class ProfileResourceTest {
    static final Profiles PROFILES = mock(Profiles.class);
    static final Identities IDENTITIES = mock(Identities.class);
    static final AccountDeletion DELETION = mock(AccountDeletion.class);
    static final Passkeys PASSKEYS = mock(Passkeys.class);
    static final ResourceExtension RESOURCES = TestResources.of(new ProfileResource(PROFILES, IDENTITIES, DELETION,
            PASSKEYS));

    @BeforeEach
    void forget() {
        reset(PROFILES, IDENTITIES, DELETION);
    }

    private static TestHttp.Answer patch(String json) {
        return TestResources.send(RESOURCES, "PATCH", "/api/profile", json, USER_TOKEN);
    }

    @Test
    void anUpdateStripsTheNameAndLeavesAMissingFieldAlone() {
        when(PROFILES.update(any(), any(), any())).thenReturn(TestResources.profile());

        final TestHttp.Answer answer = patch("{\"name\": \"  Ada  \"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("name").asText()).isEqualTo("Ada");
        verify(PROFILES).update(USER, "Ada", null);
    }

    @Test
    void anInvalidUpdateIsRefusedBeforeTheDomain() {
        for (String body : new String[] {"{\"name\": \"\"}", "{\"avatarUrl\": \"" + "a".repeat(2049) + "\"}", "[]", ""}) {
            final TestHttp.Answer answer = patch(body);

            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.code()).isEqualTo("invalid_request");
        }
        verifyNoInteractions(PROFILES);
    }

    @Test
    void deletingTheAccountIs204() {
        final Response response = RESOURCES.target("/api/profile").request()
                .header("Authorization", bearer(USER_TOKEN)).delete();

        assertThat(response.getStatus()).isEqualTo(204);
        verify(DELETION).deleteOwn(eq(USER), isNull());
    }

    @Test
    void unlinkingNamesAKnownProvider() {
        when(IDENTITIES.unlink(any(), any(), any())).thenReturn(TestResources.profile());

        final Response unlinked = RESOURCES.target("/api/profile/identities/apple").request()
                .header("Authorization", bearer(USER_TOKEN)).delete();
        final Response unknown = RESOURCES.target("/api/profile/identities/facebook").request()
                .header("Authorization", bearer(USER_TOKEN)).delete();

        assertThat(unlinked.getStatus()).isEqualTo(200);
        verify(IDENTITIES).unlink(USER, Provider.APPLE, null);
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.readEntity(Map.class)).containsEntry("code", "not_found");
    }

    @Test
    void aRefusalOfTheDomainKeepsItsCode() {
        when(IDENTITIES.unlink(any(), any(), any())).thenThrow(new ApiException(ErrorCode.LAST_IDENTITY, "the last"));

        final Response response = RESOURCES.target("/api/profile/identities/google").request()
                .header("Authorization", bearer(USER_TOKEN)).delete();

        assertThat(response.getStatus()).isEqualTo(409);
        assertThat(response.readEntity(Map.class)).containsEntry("code", "last_identity").containsEntry("detail", "the last");
    }
}
