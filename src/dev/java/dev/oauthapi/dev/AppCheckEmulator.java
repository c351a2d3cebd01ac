package dev.oauthapi.dev;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.testing.FakePlayIntegrity;
import dev.oauthapi.testing.TestAppAttest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * App attestation on the development server, for both platforms, under {@code /emulator/app-check}:
 * what a simulator or emulator cannot do. Debug tokens work out of the box
 * ({@link #DEBUG_TOKEN}); Play Integrity is Google's decode endpoint, emulated as strictly as the
 * tests' (a service account, the package in the path), with a call that mints the integrity token
 * a device would get; App Attest is an emulated device under a development root that dev mode
 * trusts, which attests and asserts as Apple's service does. Development mode only.
 */
@Path("/emulator/app-check")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AppCheckEmulator {
    /** Dev mode's debug token (label {@code dev}): for simulators, emulators and scripts. */
    static final String DEBUG_TOKEN = "dev-debug-token-for-simulators-and-ci";
    static final String ANDROID_PACKAGE = "dev.oauthapi.app";
    static final String IOS_APP_ID = DevMode.APPLE_TEAM_ID + "." + DevMode.APPLE_BUNDLE_ID;
    /** The emulated app's signing certificate, as the Play Console would show its SHA-256. */
    static final String CERTIFICATE = "DE:7E:10:9E:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67"
            + ":89:AB:CD:EF:DE:7E:10:9E";

    private final FakePlayIntegrity play = FakePlayIntegrity.start();
    private final TestAppAttest apple = new TestAppAttest();
    private final Map<String, TestAppAttest.Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    /** What dev mode sets for app attestation, with the emulator's credentials and root written to {@code home}. */
    Map<String, String> environment(java.nio.file.Path home) throws Exception {
        final java.nio.file.Path dir = Files.createDirectories(home.resolve("app-check"));
        return Map.of("APP_CHECK_DEBUG_TOKENS", "dev=" + DEBUG_TOKEN,
                "APP_CHECK_ANDROID_PACKAGES", ANDROID_PACKAGE + "=" + CERTIFICATE,
                "GOOGLE_APPLICATION_CREDENTIALS", play.writeCredentials(dir).toString(),
                "PLAY_INTEGRITY_URL", play.rootUrl(),
                "APP_CHECK_IOS_APP_IDS", IOS_APP_ID,
                "APP_ATTEST_ENVIRONMENT", "development",
                "APP_ATTEST_ROOT_CA", apple.writeRootPem(dir).toString());
    }

    /**
     * {@code {"challenge", "packageName"?, "deviceVerdict"?}} to {@code {"integrityToken"}}: the
     * token a standard Play Integrity request with this challenge as its {@code requestHash} gives
     * on a genuine device; the service has the emulator decode it, as Google would.
     */
    @POST
    @Path("/play-integrity")
    public Response playIntegrity(JsonNode request) {
        final String challenge = request == null ? "" : request.path("challenge").asText("");
        if (challenge.isEmpty()) {
            return problem("challenge: required, one from POST /api/app-check/challenge");
        }
        final String packageName = request.path("packageName").asText(ANDROID_PACKAGE);
        final Map<String, Object> payload = FakePlayIntegrity.genuinePayload(packageName, Base64.getUrlEncoder()
                .withoutPadding().encodeToString(HexFormat.ofDelimiter(":").parseHex(CERTIFICATE)), null, challenge,
                System.currentTimeMillis());
        if (request.hasNonNull("deviceVerdict")) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> device = (Map<String, Object>) payload.get("deviceIntegrity");
            device.put("deviceRecognitionVerdict", java.util.List.of(request.path("deviceVerdict").asText()));
        }
        return Response.ok(Map.of("integrityToken", play.mint(packageName, payload))).build();
    }

    /** {@code {"challenge"}} to {@code {"keyId", "attestation"}}: a new emulated device key, attested. */
    @POST
    @Path("/app-attest/attestation")
    public Response attestation(JsonNode request) {
        final String challenge = request == null ? "" : request.path("challenge").asText("");
        if (challenge.isEmpty()) {
            return problem("challenge: required, one from POST /api/app-check/challenge");
        }
        final TestAppAttest.Device device = apple.newDevice();
        devices.put(device.keyIdBase64(), device);
        return Response.ok(Map.of("keyId", device.keyIdBase64(), "attestation", Base64.getEncoder().encodeToString(
                apple.attest(device, IOS_APP_ID, challenge, false)))).build();
    }

    /** {@code {"keyId", "challenge"}} to {@code {"assertion"}}: the emulated device's next assertion. */
    @POST
    @Path("/app-attest/assertion")
    public Response assertion(JsonNode request) {
        final TestAppAttest.Device device = request == null ? null : devices.get(request.path("keyId").asText(""));
        if (device == null || request.path("challenge").asText("").isEmpty()) {
            return problem("keyId: one this emulator attested since it started; challenge: required");
        }
        final long counter = counters.merge(device.keyIdBase64(), 1L, Long::sum);
        return Response.ok(Map.of("assertion", Base64.getEncoder().encodeToString(apple.assertion(device, IOS_APP_ID,
                request.path("challenge").asText(), counter)))).build();
    }

    private static Response problem(String detail) {
        return Response.status(400).type("application/problem+json").entity(Map.of("type", "about:blank",
                "title", "Bad request", "status", 400, "detail", detail, "code", "invalid_request")).build();
    }
}
