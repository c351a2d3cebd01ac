package dev.oauthapi.errors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error path, the framework's own included, answers RFC 9457 problem+json with a stable
 * code and the request id, and shows no internals. Runs the real service with one extra resource
 * that takes a JSON body and can fail on purpose.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ProblemResponsesTest {
    private static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(TestEnvironment.withFreshDatabase(), WithProbe::new);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    static final class WithProbe extends OAuthApiApplication {
        WithProbe(Function<String, String> environment) {
            super(environment);
        }

        @Override
        public void run(OAuthApiConfiguration config, Environment environment) {
            super.run(config, environment);
            environment.jersey().register(new ProbeResource());
        }
    }

    public record ProbeRequest(@NotNull @Size(min = 1, max = 5) String name, @Max(10) int count) {
    }

    @Path("/probe")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class ProbeResource {
        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        public ProbeRequest echo(@NotNull @Valid ProbeRequest request) {
            return request;
        }

        @GET
        @Path("/boom")
        public String boom() {
            throw new IllegalStateException("internal detail: password=hunter2");
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        final Answer answer = send(request("/nope").GET());

        answer.assertProblem(404, "not_found");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        final Answer answer = send(request("/health").DELETE());

        answer.assertProblem(405, "method_not_allowed");
        assertThat(answer.response.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
    }

    @Test
    void methodTheServerRefusesOutrightIs405ProblemToo() throws Exception {
        final Answer answer = send(request("/health").method("TRACE", HttpRequest.BodyPublishers.noBody()));

        answer.assertProblem(405, "method_not_allowed");
    }

    @Test
    void wrongMediaTypeIs415() throws Exception {
        final Answer answer = send(request("/probe").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")));

        answer.assertProblem(415, "unsupported_media_type");
    }

    @Test
    void unacceptableResponseTypeIs406() throws Exception {
        final Answer answer = send(request("/health").header("Accept", "application/xml").GET());

        answer.assertProblem(406, "not_acceptable");
    }

    @Test
    void malformedJsonIs400WithWhereButNotWhat() throws Exception {
        final Answer answer = send(json("/probe", "{\"name\": \"sekrit"));

        answer.assertProblem(400, "invalid_request");
        assertThat(answer.body.path("detail").asText()).startsWith("The request body is not valid JSON").doesNotContain("sekrit");
    }

    @Test
    void wrongMemberTypeIs400NamingTheMember() throws Exception {
        final Answer answer = send(json("/probe", "{\"name\": \"ok\", \"count\": \"many\"}"));

        answer.assertProblem(400, "invalid_request");
        assertThat(answer.body.path("detail").asText()).contains("'count'").doesNotContain("many");
    }

    @Test
    void validationFailureIs400ListingEachMember() throws Exception {
        final Answer answer = send(json("/probe", "{\"name\": \"far too long\", \"count\": 11}"));

        answer.assertProblem(400, "invalid_request");
        assertThat(answer.body.path("errors")).hasSize(2);
        assertThat(answer.body.path("errors").findValuesAsText("field")).containsExactly("count", "name");
    }

    @Test
    void missingBodyIs400() throws Exception {
        final Answer answer = send(json("/probe", ""));

        answer.assertProblem(400, "invalid_request");
    }

    @Test
    void unknownMembersAreIgnored() throws Exception {
        final Answer answer = send(json("/probe", "{\"name\": \"ok\", \"count\": 1, \"somethingNew\": true}"));

        assertThat(answer.response.statusCode()).isEqualTo(200);
        assertThat(answer.body.path("name").asText()).isEqualTo("ok");
    }

    @Test
    void unexpectedExceptionIs500WithoutInternalsAndIsLoggedWithTheRequestId() throws Exception {
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger mapperLog = (Logger) LoggerFactory.getLogger(UnexpectedExceptionMapper.class);
        mapperLog.addAppender(log);
        try {
            final Answer answer = send(request("/probe/boom").GET());

            answer.assertProblem(500, "internal_error");
            assertThat(answer.raw).doesNotContain("hunter2").doesNotContain("IllegalStateException").doesNotContain("\tat ");
            final String requestId = answer.body.path("requestId").asText();
            assertThat(log.list).anySatisfy(event -> {
                assertThat(event.getFormattedMessage()).contains(requestId);
                assertThat(event.getMDCPropertyMap()).containsEntry(dev.oauthapi.errors.RequestIds.MDC_KEY, requestId);
                assertThat(event.getThrowableProxy().getMessage()).contains("internal detail");
            });
        } finally {
            mapperLog.detachAppender(log);
        }
    }

    @Test
    void bodyOver64KiBIs413WhenItsLengthIsDeclared() throws Exception {
        final String big = "{\"name\": \"" + "x".repeat(70 * 1024) + "\"}";

        final Answer answer = send(json("/probe", big));

        answer.assertProblem(413, "payload_too_large");
    }

    @Test
    void chunkedBodyOver64KiBIs413() throws Exception {
        final byte[] big = ("{\"name\": \"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);

        final Answer answer = send(request("/probe").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));

        answer.assertProblem(413, "payload_too_large");
    }

    @Test
    void malformedRequestTheServerRejectsBeforeRoutingIsAProblemToo() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(5000);
            final OutputStream out = socket.getOutputStream();
            out.write("GET /a%2F%2e%2e/b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);

            assertThat(raw).startsWith("HTTP/1.1 400");
            assertThat(raw).contains("Content-Type: application/problem+json").contains("\"code\":\"invalid_request\"");
        }
    }

    @Test
    void aSensibleRequestIdFromTheProxyIsKeptAndEchoed() throws Exception {
        final Answer answer = send(request("/nope").header("X-Request-Id", "caddy-1234abcd").GET());

        assertThat(answer.response.headers().firstValue("X-Request-Id")).hasValue("caddy-1234abcd");
        assertThat(answer.body.path("requestId").asText()).isEqualTo("caddy-1234abcd");
    }

    @Test
    void aForgedRequestIdIsReplaced() throws Exception {
        final Answer answer = send(request("/nope").header("X-Request-Id", "x\" injected {}").GET());

        assertThat(answer.body.path("requestId").asText()).isNotEqualTo("x\" injected {}").hasSize(36);
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .timeout(Duration.ofSeconds(15));
    }

    private static HttpRequest.Builder json(String path, String body) {
        return request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        final HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        final JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        return new Answer(response, body, response.body());
    }

    private record Answer(HttpResponse<String> response, JsonNode body, String raw) {
        void assertProblem(int status, String code) {
            assertThat(response.statusCode()).as(raw).isEqualTo(status);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
            assertThat(body.path("status").asInt()).isEqualTo(status);
            assertThat(body.path("code").asText()).isEqualTo(code);
            assertThat(body.path("type").asText()).isEqualTo("urn:oauth-api:problem:" + code);
            assertThat(body.path("title").asText()).isNotBlank();
            assertThat(body.path("detail").asText()).isNotBlank();
            assertThat(body.path("requestId").asText())
                    .isNotBlank()
                    .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
        }
    }
}
