package dev.oauthapi.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.auth.BearerTokenFilter;
import dev.oauthapi.auth.ProblemUnauthorizedHandler;
import dev.oauthapi.auth.RoleAuthorizer;
import dev.oauthapi.errors.ProblemJsonFeature;
import dev.oauthapi.http.NoStoreFilter;
import dev.oauthapi.http.StorableTextModule;
import dev.oauthapi.users.LinkedIdentity;
import dev.oauthapi.users.UserProfile;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.glassfish.jersey.test.grizzly.GrizzlyWebTestContainerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Resources at resource speed: the real Bearer filter, role authorizer, problem mappers, no-store
 * filter and the application's JSON settings around them, with the domain faked and a token
 * standing for a principal with a role. What the domain decides is tested on the domain.
 */
public final class TestResources {
    public static final UUID USER = UUID.fromString("0190a000-0000-7000-8000-00000000000c");
    public static final UUID SESSION = UUID.fromString("0190a000-0000-7000-8000-0000000000c5");
    public static final Instant CREATED = Instant.parse("2026-11-25T20:52:08.123456Z");
    /** Stands for {@link #USER} signed in with {@link #SESSION}. */
    public static final String USER_TOKEN = "user-token";

    private TestResources() {
    }

    /** The app's plumbing around {@code resources}; {@code tokens} are the only good ones. */
    public static ResourceExtension.Builder builder(Map<String, AuthenticatedUser> tokens) {
        return ResourceExtension.builder()
                .setMapper(mapper())
                .setRegisterDefaultExceptionMappers(false)
                .setTestContainerFactory(new GrizzlyWebTestContainerFactory())
                .addProvider(new AuthDynamicFeature(new BearerTokenFilter.Builder<AuthenticatedUser>()
                        .setAuthenticator(token -> Optional.ofNullable(tokens.get(token.value())))
                        .setPrefix("Bearer")
                        .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                        .setAuthorizer(new RoleAuthorizer())
                        .buildAuthFilter()))
                .addProvider(RolesAllowedDynamicFeature.class)
                .addProvider(new AuthValueFactoryProvider.Binder<>(AuthenticatedUser.class))
                .addProvider(new ProblemJsonFeature())
                .addProvider(new NoStoreFilter());
    }

    /** The resources, with one good token: {@link #USER_TOKEN}. */
    public static ResourceExtension of(Object... resources) {
        final ResourceExtension.Builder builder = builder(Map.of(USER_TOKEN, new AuthenticatedUser(USER, SESSION, "user")));
        for (Object resource : resources) {
            builder.addResource(resource);
        }
        return builder.build();
    }

    /** The application's JSON settings (see {@code HttpSetup}). */
    public static ObjectMapper mapper() {
        final ObjectMapper mapper = Jackson.newObjectMapper();
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.registerModule(new StorableTextModule());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }

    /** {@link #USER}'s profile, with a Google identity. */
    public static UserProfile profile() {
        return new UserProfile(USER, "ada@example.com", true, "Ada", null, "user", CREATED,
                List.of(new LinkedIdentity("google", "ada@example.com", false, CREATED)), 1, false);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /**
     * A request over real HTTP (the JDK client: Jersey's own cannot send PATCH on this JDK), as
     * HTTP/1.1 without the h2c upgrade offer, which Grizzly mishandles on requests with a body.
     *
     * @param body JSON text, or null for none
     */
    public static TestHttp.Answer send(ResourceExtension resources, String method, String path, String body,
                                       String token) {
        final TestHttp http = new TestHttp(resources.target("/").getUri().getPort());
        final java.net.http.HttpRequest.Builder request = http.request(path, token)
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    }
}
