package dev.oauthapi.resources;

import dev.oauthapi.config.CommaSeparated;
import dev.oauthapi.config.PasskeysConfig;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Without apps configured there are no association files: 404, in our error shape. */
@ExtendWith(DropwizardExtensionsSupport.class)
class WellKnownResourceTest {
    static final PasskeysConfig NO_APPS = new PasskeysConfig("example.com", "", CommaSeparated.parse(""),
            CommaSeparated.parse(""), CommaSeparated.parse(""));
    static final ResourceExtension RESOURCES = TestResources.of(new WellKnownResource(NO_APPS, "https://auth.example.com",
            java.net.URI.create("https://auth.example.com"), false));
    static final ResourceExtension WITH_PATH = TestResources.of(new WellKnownResource(NO_APPS,
            "https://auth.example.com/tenant-1", java.net.URI.create("https://auth.example.com"), true));

    @Test
    void noAppsNoFiles() {
        for (String path : new String[] {"/.well-known/apple-app-site-association", "/.well-known/assetlinks.json"}) {
            final TestHttp.Answer answer = TestResources.send(RESOURCES, "GET", path, null, null);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.code()).isEqualTo("not_found");
        }
    }

    /** RFC 8414 §3.1: an issuer's path goes after the well-known name, and the metadata is there only. */
    @Test
    void anIssuerWithAPathHasItsMetadataAfterTheWellKnownName() {
        final TestHttp.Answer metadata = TestResources.send(WITH_PATH, "GET",
                "/.well-known/oauth-authorization-server/tenant-1", null, null);
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.json().path("issuer").asText()).isEqualTo("https://auth.example.com/tenant-1");
        assertThat(metadata.json().path("token_endpoint").asText()).isEqualTo("https://auth.example.com/oauth/token");
        assertThat(metadata.json().path("authorization_endpoint").asText())
                .isEqualTo("https://auth.example.com/oauth/authorize");
        for (String elsewhere : new String[] {"/.well-known/oauth-authorization-server",
                "/.well-known/oauth-authorization-server/tenant-2"}) {
            assertThat(TestResources.send(WITH_PATH, "GET", elsewhere, null, null).status()).as(elsewhere).isEqualTo(404);
        }
        final TestHttp.Answer plain = TestResources.send(RESOURCES, "GET", "/.well-known/oauth-authorization-server",
                null, null);
        assertThat(plain.json().has("authorization_endpoint")).as("no browser sign-in, no authorization endpoint").isFalse();
        assertThat(plain.json().path("response_types_supported").size()).isZero();
    }
}
