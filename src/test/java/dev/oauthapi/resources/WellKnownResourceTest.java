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
    static final ResourceExtension RESOURCES = TestResources.of(new WellKnownResource(new PasskeysConfig("example.com",
            "", CommaSeparated.parse(""), CommaSeparated.parse(""), CommaSeparated.parse("")), "https://auth.example.com",
            java.net.URI.create("https://auth.example.com")));

    @Test
    void noAppsNoFiles() {
        for (String path : new String[] {"/.well-known/apple-app-site-association", "/.well-known/assetlinks.json"}) {
            final TestHttp.Answer answer = TestResources.send(RESOURCES, "GET", path, null, null);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.code()).isEqualTo("not_found");
        }
    }
}
