package dev.oauthapi.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.KeepAlive;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, table-driven over every operation the OpenAPI description lists: every member of
 * every request body with the wrong JSON type, empty, 70,000 characters, a NUL, an unpaired
 * surrogate, a number out of range; whole bodies that are not JSON, deeply nested, with duplicate
 * members or invalid UTF-8; wrong and missing content types; bad and huge Authorization headers;
 * methods and paths that do not exist. Every answer must be a 4xx problem with a stable code (or a
 * 503), never a 5xx, and no refused request may change a row in PostgreSQL.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class BadInputTest {
    static final String APPLE_APP = "com.example.app";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, "web.apps.googleusercontent.com", APPLE, APPLE_APP);
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HUGE = "x".repeat(70_000);
    static final String PLACEHOLDER = "@@bad-value@@";
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND");

    /** One request to send, named for the report; {@code raw} is sent as it is over a socket instead. */
    record Case(String name, HttpRequest.Builder request, String raw) {
        Case(String name, HttpRequest.Builder request) {
            this(name, request, null);
        }
    }

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    @Test
    void everyBadInputIsA4xxProblemAndWritesNothing() throws IOException {
        final String token = signedInAccessToken();
        final JsonNode description = description();
        final List<Case> cases = new ArrayList<>();
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = description.path("paths").fields(); paths.hasNext(); ) {
            final Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                final Map.Entry<String, JsonNode> op = ops.next();
                operations++;
                final String method = op.getKey().toUpperCase(Locale.ROOT);
                final String uri = concrete(path.getKey());
                final boolean protectedOp = !op.getValue().path("security").isArray() || !op.getValue().path("security").isEmpty();
                final String bearer = protectedOp ? token : null;
                bodyCases(description, method, uri, op.getValue(), bearer, cases);
                if (protectedOp) {
                    authorizationCases(method, uri, token, cases);
                }
            }
            methodCases(path.getKey(), path.getValue(), cases);
        }
        pathCases(token, cases);

        final Map<String, Object> before = snapshot();
        final List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            final Reply reply;
            try {
                reply = send(c);
            } catch (IOException e) {
                failures.add(c.name() + " -> no answer: " + e);
                continue;
            }
            // The OAuth endpoints answer RFC 6749's shape, with our code beside its error.
            final boolean oauth = c.name().contains("/oauth/")
                    && String.valueOf(reply.contentType()).startsWith("application/json")
                    && reply.json().path("error").asText().matches("[a-z_]+");
            final boolean problem = oauth || String.valueOf(reply.contentType()).startsWith("application/problem+json")
                    && reply.json().path("code").asText().matches("[a-z_]+");
            if (!(reply.status() >= 400 && reply.status() < 500 || reply.status() == 503) || !problem) {
                failures.add(c.name() + " -> " + reply.status() + " " + abbreviate(reply.body()));
            }
        }
        final Map<String, Object> after = snapshot();

        System.out.printf("bad-input cases: %d over %d operations, %d answered wrongly%n",
                cases.size(), operations, failures.size());
        assertThat(failures).as("bad input answered with something else than a 4xx problem").isEmpty();
        assertThat(after).as("a refused request changed PostgreSQL").isEqualTo(before);
        assertThat(operations).isGreaterThanOrEqualTo(26);
        assertThat(cases.size()).isGreaterThan(500);
    }

    record Reply(int status, String contentType, String body, JsonNode json) {
    }

    /**
     * An answer given before the request's body arrived (a 401: no token, a 415, a 413) leaves the rest of
     * the body on its way; the connection cannot be used again, and the answer says so, and the
     * connection then ends cleanly, never with a reset. A body that arrived whole is discarded
     * and the connection kept: the next request on it is answered.
     */
    @Test
    void anEarlyRefusalOfABodyStillOnItsWaySaysConnectionCloseAndEndsCleanly() throws IOException {
        final Map<String, Integer> partial = Map.of(
                "POST /api/auth/logout HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 50000\r\n\r\n{\"a\":", 401,
                "POST /api/auth/logout HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n", 401,
                "PATCH /api/profile HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 5000\r\n\r\nname=", 415,
                "POST /api/auth/google HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"idToken\":", 413);
        for (Map.Entry<String, Integer> request : partial.entrySet()) {
            try (KeepAlive connection = new KeepAlive("127.0.0.1", APP.getLocalPort())) {
                final KeepAlive.Answer answer = connection.exchange(request.getKey());

                assertThat(answer.status()).as(request.getKey()).isEqualTo(request.getValue());
                assertThat(answer.closes()).as(request.getKey()).isTrue();
                assertThat(connection.closedCleanly()).as(request.getKey()).isTrue();
            }
        }
        try (KeepAlive connection = new KeepAlive("127.0.0.1", APP.getLocalPort())) {
            final String whole = "POST /api/auth/logout HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\n\r\n{}";
            final KeepAlive.Answer first = connection.exchange(whole);
            final KeepAlive.Answer second = connection.exchange(whole);

            assertThat(first.status()).isEqualTo(401);
            assertThat(first.closes()).as("a body that arrived whole is discarded; the connection stays").isFalse();
            assertThat(second.status()).isEqualTo(401);
        }
    }

    private static Reply send(Case c) throws IOException {
        if (c.raw() != null) {
            return sendRaw(c.raw());
        }
        // One pooled keep-alive client for every case, and no second try: a connection closed
        // under it (without Connection: close) is a failure of the case that found it.
        final Answer answer;
        try {
            answer = http().send(c.request());
        } catch (java.io.UncheckedIOException closed) {
            throw closed.getCause();
        }
        return new Reply(answer.status(), answer.header("Content-Type"), answer.response().body(), answer.json());
    }

    /**
     * Over a socket of its own, for requests whose headers Jetty refuses before reading them all:
     * the JDK client is still writing when the connection closes, and loses the answer.
     */
    private static Reply sendRaw(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            final String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            final int status = Integer.parseInt(response.substring(9, 12));
            final String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
            final String contentType = head.lines().filter(line -> line.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(line -> line.substring(13).strip()).findFirst().orElse(null);
            final String body = response.substring(head.length()).strip();
            final String json = body.substring(Math.max(0, body.indexOf('{')), body.lastIndexOf('}') + 1);
            return new Reply(status, contentType, body, json.isEmpty() ? JSON.createObjectNode() : JSON.readTree(json));
        }
    }

    /** A superadmin's: every admin operation gets past its role check to the input it is sent. */
    private static String signedInAccessToken() {
        DB.execute("UPDATE users SET role = 'user' WHERE role = 'superadmin'");
        final Answer signIn = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).build()));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        final String userId = signIn.json().path("user").path("id").asText();
        assertThat(TestApp.run(ENV, "users", "promote", "--id", userId, "--role", "superadmin", TestApp.CONFIG).succeeded())
                .isTrue();
        return signIn.json().path("tokens").path("accessToken").asText();
    }

    private static JsonNode description() throws IOException {
        try (InputStream in = BadInputTest.class.getResourceAsStream("/openapi/openapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    /** Path parameters filled with values that exist in form only: a fresh UUID, a real provider, a key id. */
    private static String concrete(String path) {
        return path.replace("{id}", UUID.randomUUID().toString()).replace("{sid}", UUID.randomUUID().toString())
                .replace("{pid}", UUID.randomUUID().toString())
                .replace("{keyId}", "A".repeat(43))
                .replace("{provider}", "google").replace("{issuerPath}", "tenant");
    }

    // --- Bodies ---

    private static void bodyCases(JsonNode description, String method, String uri, JsonNode op, String bearer,
                                  List<Case> cases) {
        final JsonNode content = op.path("requestBody").path("content");
        if (content.isMissingNode()) {
            return;
        }
        final String label = method + " " + uri;
        if (content.has("application/json")) {
            final JsonNode schema = resolve(description, content.path("application/json").path("schema"));
            final ObjectNode base = JSON.createObjectNode();
            // The required members present and plausible, so each case has exactly one thing wrong.
            schema.path("required").forEach(name -> base.put(name.asText(), "eyJhbGciOiJub25lIn0.e30.x"));
            for (Map.Entry<String, Function<JsonNode, JsonNode>> member : members(description, schema, "").entrySet()) {
                for (Map.Entry<String, String> value : badValues(member.getValue().apply(null)).entrySet()) {
                    final ObjectNode body = base.deepCopy();
                    put(body, member.getKey(), PLACEHOLDER);
                    // Spliced in as text: through a JSON tree, 1e400 would become "Infinity" and a
                    // lone surrogate a '?', and the case would test nothing.
                    final String text = body.toString().replace("\"" + PLACEHOLDER + "\"", value.getValue());
                    cases.add(json(label + " " + member.getKey() + "=" + value.getKey(), method, uri, text, bearer));
                }
            }
            final boolean optional = !op.path("requestBody").path("required").asBoolean(false);
            final Map<String, String> bodies = new LinkedHashMap<>();
            if (!optional) {
                bodies.put("empty body", "");
                bodies.put("null", "null");
            }
            bodies.put("an array", "[]");
            bodies.put("a number", "123");
            bodies.put("a string", "\"text\"");
            bodies.put("truncated", "{\"a\":");
            bodies.put("not JSON", "<xml/>");
            bodies.put("deep nesting", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
            bodies.put("a huge body", "{\"padding\":\"" + HUGE + "\"}");
            final String first = schema.path("properties").fieldNames().hasNext()
                    ? schema.path("properties").fieldNames().next() : "a";
            final ObjectNode once = base.deepCopy();
            once.put(first, first.equals("scope") ? "current" : "one");
            bodies.put("a duplicate member", once.toString().replaceFirst("\\{", "{\"" + first + "\":\"all\","));
            for (Map.Entry<String, String> body : bodies.entrySet()) {
                cases.add(json(label + " " + body.getKey(), method, uri, body.getValue(), bearer));
            }
            cases.add(new Case(label + " invalid UTF-8", request(method, uri, bearer).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'}))));
            cases.add(new Case(label + " text/plain", request(method, uri, bearer).header("Content-Type", "text/plain")
                    .method(method, HttpRequest.BodyPublishers.ofString(base.toString()))));
            cases.add(new Case(label + " application/xml", request(method, uri, bearer).header("Content-Type", "application/xml")
                    .method(method, HttpRequest.BodyPublishers.ofString("<a/>"))));
            cases.add(new Case(label + " no content type", request(method, uri, bearer)
                    .method(method, HttpRequest.BodyPublishers.ofString(base.toString()))));
        } else {
            // A JWT as the body (Google's security events): anything but a valid one is refused.
            final String type = content.fieldNames().next();
            for (Map.Entry<String, String> body : Map.of("empty", "", "a NUL", "a\u0000b", "not a JWT", "x.y.z",
                    "huge", HUGE).entrySet()) {
                cases.add(new Case(label + " " + body.getKey(), request(method, uri, bearer).header("Content-Type", type)
                        .method(method, HttpRequest.BodyPublishers.ofString(body.getValue()))));
            }
            cases.add(new Case(label + " application/json", request(method, uri, bearer)
                    .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"))));
        }
    }

    /** Every member, nested ones as {@code a.b}, each with a function giving its schema. */
    private static Map<String, Function<JsonNode, JsonNode>> members(JsonNode description, JsonNode schema, String prefix) {
        final Map<String, Function<JsonNode, JsonNode>> members = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> property = it.next();
            final JsonNode resolved = resolve(description, property.getValue());
            members.put(prefix + property.getKey(), ignored -> resolved);
            if (resolved.has("properties")) {
                members.putAll(members(description, resolved, prefix + property.getKey() + "."));
            }
        }
        return members;
    }

    private static JsonNode resolve(JsonNode description, JsonNode schema) {
        final String ref = schema.path("$ref").asText("");
        if (ref.isEmpty()) {
            return schema;
        }
        JsonNode node = description;
        for (String part : ref.substring(2).split("/")) {
            node = node.path(part);
        }
        return node;
    }

    /** Raw JSON values that are wrong for a member of this schema. */
    private static Map<String, String> badValues(JsonNode schema) {
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("a number", "123");
        values.put("a huge number", "1e400");
        values.put("a long integer", "123456789012345678901234567890");
        values.put("true", "true");
        values.put("an array", "[\"a\"]");
        if (schema.has("properties")) {
            values.put("a string", "\"text\"");
            return values;
        }
        values.put("an object", "{\"a\":1}");
        values.put("empty", "\"\"");
        values.put("70,000 characters", "\"" + HUGE + "\"");
        values.put("a NUL", "\"a\\u0000b\"");
        values.put("an unpaired high surrogate", "\"a\\ud800b\"");
        values.put("an unpaired low surrogate", "\"\\udc00\"");
        return values;
    }

    /** Sets {@code path} (a.b) in {@code body} to the string {@code value}. */
    private static void put(ObjectNode body, String path, String value) {
        final String[] parts = path.split("\\.");
        ObjectNode node = body;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.has(parts[i]) && node.get(parts[i]).isObject() ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
            if (parts[i].equals("device") && !node.has("platform") && !parts[i + 1].equals("platform")) {
                node.put("platform", "ios");
            }
        }
        node.put(parts[parts.length - 1], value);
    }

    private static Case json(String name, String method, String uri, String body, String bearer) {
        return new Case(name, request(method, uri, bearer).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpRequest.Builder request(String method, String uri, String bearer) {
        return http().request(uri, bearer);
    }

    // --- Authorization headers ---

    private static void authorizationCases(String method, String uri, String token, List<Case> cases) {
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Bearer alone", "Bearer");
        headers.put("Bearer and spaces", "Bearer    ");
        headers.put("Basic", "Basic dXNlcjpwYXNz");
        headers.put("another scheme", "Token " + token);
        headers.put("three dots", "Bearer a.b.c");
        headers.put("tampered", "Bearer " + token.substring(0, token.length() - 4) + "AAAA");
        headers.put("not base64", "Bearer ####.####.####");
        headers.put("a header of 12 KiB", "Bearer " + "a".repeat(12 * 1024));
        for (String size : List.of("20", "100")) {
            cases.add(new Case(method + " " + uri + " Authorization: a header of " + size + " KiB", null,
                    method + " " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
                            + "a".repeat(Integer.parseInt(size) * 1024) + "\r\nContent-Length: 0\r\n\r\n"));
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            cases.add(new Case(method + " " + uri + " Authorization: " + header.getKey(),
                    http().request(uri, null).header("Authorization", header.getValue())
                            .header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString("{}"))));
        }
        cases.add(new Case(method + " " + uri + " no Authorization", http().request(uri, null)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"))));
    }

    // --- Methods and paths ---

    private static void methodCases(String path, JsonNode operations, List<Case> cases) {
        for (String method : METHODS) {
            if (!operations.has(method.toLowerCase(Locale.ROOT))) {
                cases.add(new Case(method + " " + path + " (not an operation)", http().request(concrete(path), null)
                        .method(method, HttpRequest.BodyPublishers.noBody())));
            }
        }
    }

    private static void pathCases(String token, List<Case> cases) {
        final List<String> paths = List.of("/api", "/api/", "/api/users", "/api/users/me/extra", "/api//users/me",
                "/api/users/me%00", "/api/auth/sessions/not-a-uuid", "/api/profile/identities/myspace",
                "/api/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/api/users/me?%zz=1",
                "/api/users/me?access_token=abc", "/" + "a".repeat(9000), "/api/auth/%ff%fe", "/nothing-here");
        for (String path : paths) {
            for (String method : List.of("GET", "DELETE")) {
                final HttpRequest.Builder request;
                try {
                    request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                            .header("Authorization", "Bearer " + token)
                            .method(method, HttpRequest.BodyPublishers.noBody());
                } catch (IllegalArgumentException unsendable) {
                    continue;
                }
                cases.add(new Case(method + " " + abbreviate(path), request));
            }
        }
    }

    // --- What PostgreSQL holds ---

    /** Every application table: its row count and a digest of its rows. */
    private static Map<String, Object> snapshot() {
        final Map<String, Object> tables = new LinkedHashMap<>();
        for (Map<String, Object> row : DB.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                + " AND tablename NOT LIKE 'databasechangelog%' ORDER BY tablename")) {
            final String table = (String) row.get("tablename");
            tables.put(table, DB.one("SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    + " AS digest FROM " + table + " t"));
        }
        return tables;
    }

    private static String abbreviate(String text) {
        final String line = text.replace('\n', ' ');
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    static {
        // The 70,000-character strings are built once; keep the class loading honest about it.
        assert HUGE.getBytes(StandardCharsets.US_ASCII).length == 70_000;
    }
}
