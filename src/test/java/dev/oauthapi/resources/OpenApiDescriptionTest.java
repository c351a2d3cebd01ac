package dev.oauthapi.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.Audit;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI description cannot drift from the code: same operations, same error codes. */
class OpenApiDescriptionTest {
    private static final Set<Class<?>> RESOURCES = Set.of(HealthResource.class, JwksResource.class, AuthResource.class,
            PasskeysResource.class, WellKnownResource.class, AppCheckResource.class, OAuthResource.class,
            SessionsResource.class, UsersResource.class, ProfileResource.class, ProviderEventsResource.class,
            AdminResource.class, WebSignInResource.class);

    private static JsonNode description() throws IOException {
        try (InputStream in = OpenApiDescriptionTest.class.getResourceAsStream("/openapi/openapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @Test
    void describesExactlyTheOperationsTheServiceServes() throws IOException {
        final Set<String> served = new TreeSet<>();
        for (Class<?> resource : RESOURCES) {
            final Resource model = Resource.from(resource);
            collect(model.getPath(), model, served);
        }
        final Set<String> described = new TreeSet<>();
        final JsonNode paths = description().path("paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            final String path = it.next();
            paths.path(path).fieldNames().forEachRemaining(method -> described.add(method.toUpperCase(Locale.ROOT) + " " + path));
        }

        assertThat(described).isEqualTo(served);
    }

    private static void collect(String prefix, Resource resource, Set<String> into) {
        for (ResourceMethod method : resource.getResourceMethods()) {
            into.add(method.getHttpMethod() + " " + normalize(prefix));
        }
        for (Resource child : resource.getChildResources()) {
            collect(prefix + "/" + child.getPath(), child, into);
        }
    }

    private static String normalize(String path) {
        // A template's regular expression ({name: regex}) is not part of its name.
        final String single = ("/" + path).replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return single.length() > 1 && single.endsWith("/") ? single.substring(0, single.length() - 1) : single;
    }

    @Test
    void theCheckSeesEveryResource() throws IOException, ClassNotFoundException {
        final Set<Class<?>> resources = new java.util.HashSet<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/java/dev/oauthapi/resources"))) {
            for (String file : files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".java")).toList()) {
                final Class<?> type = Class.forName("dev.oauthapi.resources." + file.replace(".java", ""));
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    resources.add(type);
                }
            }
        }

        resources.remove(OpenApiResource.class); // serves the description itself
        resources.remove(DocsResource.class); // and its viewer

        assertThat(RESOURCES).isEqualTo(resources);
    }

    @Test
    void listsEveryErrorCode() throws IOException {
        final Set<String> documented = new TreeSet<>();
        description().path("components").path("schemas").path("Problem").path("properties").path("code").path("enum")
                .forEach(code -> documented.add(code.asText()));

        assertThat(documented).isEqualTo(new TreeSet<>(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList()));
    }

    @Test
    void listsEveryAuditAction() throws IOException {
        final Set<String> documented = new TreeSet<>();
        description().path("components").path("schemas").path("AuditAction").path("enum")
                .forEach(action -> documented.add(action.asText()));

        assertThat(documented).isEqualTo(new TreeSet<>(Arrays.stream(Audit.Event.values()).map(Audit.Event::stored).toList()));
    }
}
