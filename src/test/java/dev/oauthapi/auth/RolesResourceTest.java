package dev.oauthapi.auth;

import dev.oauthapi.errors.ProblemJsonFeature;
import dev.oauthapi.testing.AdminProbe;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles at resource speed: the real Bearer filter, authorizer and problem mappers around an
 * admin-only endpoint, with the access-token check faked (a token names its role).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RolesResourceTest {
    static final Map<String, String> ROLES = Map.of("user-token", "user", "admin-token", "admin",
            "superadmin-token", "superadmin");
    static final ResourceExtension RESOURCES = ResourceExtension.builder()
            .addProvider(new AuthDynamicFeature(new BearerTokenFilter.Builder<AuthenticatedUser>()
                    .setAuthenticator(token -> Optional.ofNullable(ROLES.get(token))
                            .map(role -> new AuthenticatedUser(UUID.randomUUID(), UUID.randomUUID(), role)))
                    .setPrefix("Bearer")
                    .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                    .setAuthorizer(new RoleAuthorizer())
                    .buildAuthFilter()))
            .addProvider(RolesAllowedDynamicFeature.class)
            .addProvider(new AuthValueFactoryProvider.Binder<>(AuthenticatedUser.class))
            .addProvider(new ProblemJsonFeature())
            .addResource(new AdminProbe())
            .build();

    private static Response get(String token) {
        final var request = RESOURCES.target("/test/admin-probe").request();
        return token == null ? request.get() : request.header("Authorization", "Bearer " + token).get();
    }

    @Test
    void theRoleNamedIsLetThrough() {
        final Response answer = get("admin-token");

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.readEntity(Map.class)).containsEntry("role", "admin");
    }

    @Test
    void anotherRoleIsA403ProblemNamingTheRoleNeeded() {
        for (String token : new String[] {"user-token", "superadmin-token"}) {
            final Response answer = get(token);

            assertThat(answer.getStatus()).as(token).isEqualTo(403);
            assertThat(answer.getMediaType().toString()).isEqualTo("application/problem+json");
            final Map<?, ?> problem = answer.readEntity(Map.class);
            assertThat(problem.get("code")).isEqualTo("forbidden");
            assertThat((String) problem.get("detail")).isEqualTo("This needs the role admin.");
        }
    }

    @Test
    void noOrAnUnknownTokenIsStillA401() {
        for (String token : new String[] {null, "nobody"}) {
            final Response answer = get(token);

            assertThat(answer.getStatus()).isEqualTo(401);
            assertThat(answer.getHeaderString("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
        }
    }
}
