package dev.oauthapi.resources;

import dev.oauthapi.signin.ProviderEvents;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/** The resources with one or two operations: liveness, and the provider events' two deliveries. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SmallResourcesTest {
    static final ProviderEvents EVENTS = mock(ProviderEvents.class);
    static final ResourceExtension RESOURCES = TestResources.of(new HealthResource(), new ProviderEventsResource(EVENTS));

    @BeforeEach
    void forget() {
        reset(EVENTS);
    }

    @Test
    void healthIsOk() {
        final TestHttp.Answer answer = TestResources.send(RESOURCES, "GET", "/health", null, null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void anAppleNotificationIsAcknowledgedOnceActedOn() {
        final TestHttp.Answer answer = TestResources.send(RESOURCES, "POST", "/api/auth/apple/notifications",
                "{\"payload\": \"signed.event.token\"}", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isEqualTo("ok");
        verify(EVENTS).apple("signed.event.token");
    }

    @Test
    void anAppleNotificationWithoutItsPayloadIsRefused() {
        final TestHttp.Answer answer = TestResources.send(RESOURCES, "POST", "/api/auth/apple/notifications", "{}", null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("invalid_request");
        verifyNoInteractions(EVENTS);
    }

    @Test
    void aGoogleSecurityEventIsAcceptedAsRfc8935PushDelivery() {
        final TestHttp http = new TestHttp(RESOURCES.target("/").getUri().getPort());

        final TestHttp.Answer answer = http.send(http.request("/api/auth/google/risc", null)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/secevent+jwt")
                .POST(HttpRequest.BodyPublishers.ofString(" signed.event.token\n")));

        assertThat(answer.status()).isEqualTo(202);
        verify(EVENTS).google("signed.event.token\n".strip());
    }
}
