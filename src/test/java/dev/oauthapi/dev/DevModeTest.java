package dev.oauthapi.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.testing.Needs;
import dev.oauthapi.testing.Program;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Development mode as a developer meets it: the service with the provider emulator, configured
 * exactly as {@code ./mvnw -Pdev} configures it (on real PostgreSQL and Redis, on a free port).
 * The README's curl walkthrough runs as printed; both browser sign-ins run through the emulator's
 * account chooser, over HTTP and in headless Chromium (Debian's, driven by Selenium); Apple's code
 * exchange and revocation go to the emulator's strict token endpoints.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DevModeTest {
    static final int PORT = TestEnvironment.freePort();
    static final String ORIGIN = "http://127.0.0.1:" + PORT;
    static final DevMode.Emulated DEV = emulated();
    static final Map<String, String> ENV = DEV.environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(ENV, environment -> new DevMode.DevApplication(environment, DEV));
    static final TestDatabase DB = new TestDatabase(ENV);
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");


    private static DevMode.Emulated emulated() {
        try {
            final Map<String, String> base = TestEnvironment.withFreshDatabase();
            base.put("PORT", Integer.toString(PORT));
            base.remove("JWT_ISSUER");
            base.put("APP_CHECK_MODE", "enforce"); // the walkthrough and the emulator's pages work with it on
            return DevMode.emulated(base, Files.createTempDirectory("oauth-api-dev"), Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestHttp http() {
        return new TestHttp(PORT);
    }

    @Test
    @Needs({Program.CURL, Program.JQ})
    void theReadmeWalkthroughWorksAsPrinted() throws Exception {
        final String readme = Files.readString(Path.of("README.md"));
        final String start = "<!-- walkthrough:start -->\n```sh\n";
        final String block = readme.substring(readme.indexOf(start) + start.length(),
                readme.indexOf("```\n<!-- walkthrough:end -->"));
        assertThat(block.lines()).hasSize(5);

        final Process bash = new ProcessBuilder("bash", "-c", "set -euo pipefail\n"
                + block.replace("http://127.0.0.1:8080", ORIGIN)).redirectErrorStream(true).start();
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(bash.exitValue()).as(output).isZero();
        final java.util.List<JsonNode> answers = JSON.readerFor(JsonNode.class).<JsonNode>readValues(output).readAll();
        assertThat(answers).as(output).hasSize(2);
        final JsonNode user = answers.get(0);
        assertThat(user.path("email").asText()).isEqualTo("ada@gmail.com");
        assertThat(user.path("emailVerified").asBoolean()).isTrue();
        assertThat(user.path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(user.path("identities").path(0).path("provider").asText()).isEqualTo("google");
        final JsonNode passkeyOptions = answers.get(1);
        assertThat(passkeyOptions.path("rp").path("id").asText()).isEqualTo("localhost");
        assertThat(passkeyOptions.path("user").path("name").asText()).isEqualTo("ada@gmail.com");
        assertThat(passkeyOptions.path("challenge").asText()).isNotEmpty();
    }

    record Pkce(String verifier, String challenge) {
        static Pkce fresh() throws Exception {
            final String verifier = UUID.randomUUID() + "." + UUID.randomUUID();
            return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII))));
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static URI location(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isIn(302, 303);
        return URI.create(answer.header("Location"));
    }

    private static String pathOf(URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static Map<String, String> hiddenFields(String html) {
        final Map<String, String> fields = new LinkedHashMap<>();
        final Matcher matcher = HIDDEN.matcher(html);
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2).replace("&quot;", "\"").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&amp;", "&"));
        }
        return fields;
    }

    private static Answer postForm(String path, Map<String, String> form) {
        return http().postForm(path, form, Map.of());
    }

    /** The browser sign-in up to the chooser's form, as a page of the emulator would start it. */
    private static Map<String, String> chooser(String provider, Pkce pkce) {
        final URI chooser = location(http().get("/api/auth/" + provider + "/authorize?redirect_uri="
                + enc(ORIGIN + "/emulator/done") + "&code_challenge=" + pkce.challenge()
                + "&code_challenge_method=S256&state=mine", null));
        assertThat(chooser.toString()).startsWith(ORIGIN + "/emulator/" + provider + "/authorize?");
        final Answer page = http().get(pathOf(chooser), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.response().body()).contains("id=\"email\"");
        return hiddenFields(page.response().body());
    }

    private static Answer exchange(URI done, Pkce pkce) {
        assertThat(done.toString()).startsWith(ORIGIN + "/emulator/done?code=");
        final String code = done.getRawQuery().replaceAll("^code=([^&]+).*$", "$1");
        return http().post("/api/auth/exchange", Map.of("code", java.net.URLDecoder.decode(code, StandardCharsets.UTF_8),
                "codeVerifier", pkce.verifier()));
    }

    @Test
    void googleThroughTheEmulatorsAccountChooser() throws Exception {
        final Pkce pkce = Pkce.fresh();
        final Map<String, String> form = new LinkedHashMap<>(chooser("google", pkce));
        form.putAll(Map.of("email", "grace@gmail.com", "name", "Grace Hopper", "email_verified", "true"));

        final URI callback = location(postForm("/emulator/google/authorize", form));
        final URI done = location(http().get(pathOf(callback), null));
        final Answer signedIn = exchange(done, pkce);

        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.json().path("user").path("name").asText()).isEqualTo("Grace Hopper");
        assertThat(signedIn.json().path("user").path("emailVerified").asBoolean()).isTrue();
    }

    @Test
    void appleWithAHiddenAddressExchangesItsCodeAndIsRevokedWhenTheAccountGoes() throws Exception {
        final Pkce pkce = Pkce.fresh();
        final Map<String, String> form = new LinkedHashMap<>(chooser("apple", pkce));
        form.putAll(Map.of("email", "kat@example.com", "name", "Katherine Johnson", "hide_email", "true",
                "email_verified", "true"));

        final Answer post = postForm("/emulator/apple/authorize", form);
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.response().body()).contains("action=\"" + ORIGIN + "/api/auth/apple/callback\"");
        final URI done = location(postForm("/api/auth/apple/callback", hiddenFields(post.response().body())));
        final Answer signedIn = exchange(done, pkce);

        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        final JsonNode user = signedIn.json().path("user");
        assertThat(user.path("name").asText()).isEqualTo("Katherine Johnson");
        assertThat(user.path("email").asText()).endsWith("@privaterelay.appleid.com");
        assertThat(user.path("identities").path(0).path("isPrivateEmail").asBoolean()).isTrue();
        assertThat(DB.one("SELECT token_exchange_status FROM identities WHERE user_id = ?::uuid", user.path("id").asText()))
                .as("the emulator took our client secret and gave a refresh token")
                .containsEntry("token_exchange_status", "ok");

        final int revokedBefore = DEV.emulator().revoked().size();
        assertThat(http().delete("/api/profile", signedIn.json().path("tokens").path("accessToken").asText()).status())
                .isEqualTo(204);
        final Answer task = new TestHttp(APP.getAdminPort()).send(new TestHttp(APP.getAdminPort())
                .request("/tasks/provider-revocations", null).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(task.status()).isEqualTo(200);
        assertThat(DEV.emulator().revoked()).hasSize(revokedBefore + 1);
        assertThat(DEV.emulator().revoked().getLast()).startsWith("emu-refresh-");
    }

    @Test
    void theEmulatorMintsTokensForAppsAndRefusesWhatTheProvidersRefuse() {
        final Answer minted = http().post("/emulator/apple/id-token", Map.of("email", "app@example.com", "nonce", "n-1"));
        assertThat(minted.status()).isEqualTo(200);
        final String[] parts = minted.json().path("idToken").asText().split("\\.");
        final JsonNode claims = readJson(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.path("iss").asText()).isEqualTo("https://appleid.apple.com");
        assertThat(claims.path("aud").asText()).isEqualTo(DevMode.APPLE_BUNDLE_ID);
        assertThat(claims.path("nonce").asText()).isEqualTo("n-1");
        assertThat(http().post("/emulator/google/id-token", Map.of("name", "no e-mail")).status()).isEqualTo(400);

        final Answer wrongSecret = postForm("/emulator/google/token", Map.of("grant_type", "authorization_code",
                "code", "emu-x", "client_id", DevMode.GOOGLE_WEB_CLIENT, "client_secret", "guess",
                "redirect_uri", ORIGIN + "/api/auth/google/callback", "code_verifier", "v"));
        assertThat(wrongSecret.status()).isEqualTo(401);
        final Answer unsignedApple = postForm("/emulator/apple/token", Map.of("grant_type", "authorization_code",
                "code", "emu-x", "client_id", DevMode.APPLE_SERVICES_ID, "client_secret", "not.a.jwt"));
        assertThat(unsignedApple.status()).isEqualTo(401);
        assertThat(postForm("/emulator/google/revoke", Map.of("token", "ya29.emu")).status()).isEqualTo(200);
        assertThat(DEV.emulator().revoked()).contains("ya29.emu");
    }

    @Test
    void theEmulatorAttestsForBothPlatformsAsAppsOnSimulatorsNeed() {
        final java.util.function.Supplier<String> challenge = () -> http().post("/api/app-check/challenge", Map.of())
                .json().path("challenge").asText();
        String next = challenge.get();
        final Answer integrity = http().post("/emulator/app-check/play-integrity", Map.of("challenge", next));
        assertThat(integrity.status()).as(integrity.toString()).isEqualTo(200);
        final Answer android = http().post("/api/app-check/android", Map.of("integrityToken",
                integrity.json().path("integrityToken").asText(), "challenge", next, "packageName",
                AppCheckEmulator.ANDROID_PACKAGE));
        assertThat(android.status()).as(android.toString()).isEqualTo(200);

        next = challenge.get();
        final Answer attested = http().post("/emulator/app-check/app-attest/attestation", Map.of("challenge", next));
        final String keyId = attested.json().path("keyId").asText();
        final Answer ios = http().post("/api/app-check/apple/attestation", Map.of("keyId", keyId,
                "attestation", attested.json().path("attestation").asText(), "challenge", next));
        assertThat(ios.status()).as(ios.toString()).isEqualTo(200);
        next = challenge.get();
        final Answer assertion = http().post("/api/app-check/apple/assertion", Map.of("keyId", keyId, "assertion",
                http().post("/emulator/app-check/app-attest/assertion", Map.of("keyId", keyId, "challenge", next))
                        .json().path("assertion").asText(), "challenge", next));
        assertThat(assertion.status()).as(assertion.toString()).isEqualTo(200);

        final String idToken = http().post("/emulator/google/id-token", Map.of("email", "sim@example.com"))
                .json().path("idToken").asText();
        assertThat(http().post("/api/auth/google", Map.of("idToken", idToken)).code())
                .as("enforced: an app needs an app token").isEqualTo("app_check_required");
        assertThat(http().post("/api/auth/google", Map.of("idToken", idToken), null, Map.of("X-App-Check",
                android.json().path("appToken").asText())).status()).isEqualTo(200);
        assertThat(http().post("/emulator/app-check/play-integrity", Map.of()).status()).isEqualTo(400);
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDocsPageSendsAStrictContentSecurityPolicyAndKeepsNoToken() {
        final Answer page = http().get("/docs", null);
        final Answer start = http().get("/docs/start.js", null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'", "script-src 'self';",
                "style-src 'self';", "frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(page.response().body()).doesNotContain("<script>").doesNotContain("style=");
        assertThat(start.response().body()).contains("persistAuthorization: false");
    }

    // --- In a real browser ---

    private static WebDriver browser() {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(Program.CHROMIUM.path().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage");
        final ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(Program.CHROMEDRIVER.path().toFile()).usingAnyFreePort().build();
        final ChromeDriver chrome = new ChromeDriver(driver, options);
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return chrome;
    }

    @Test
    @Needs({Program.CHROMIUM, Program.CHROMEDRIVER})
    void swaggerUiRendersTheSignInAndRefreshOperations() {
        final WebDriver browser = browser();
        try {
            browser.get(ORIGIN + "/docs");
            final WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

            for (String path : new String[] {"/api/auth/google", "/api/auth/apple", "/api/auth/refresh"}) {
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector(".opblock-summary-path[data-path='" + path + "']")));
            }
            assertThat(browser.findElements(By.cssSelector(".btn.authorize"))).as("the Bearer scheme").isNotEmpty();
            assertThat(browser.getTitle()).contains("oauth-api");
            assertThat(((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "return window.localStorage.getItem('authorized')")).as("no token kept").isNull();
        } finally {
            browser.quit();
        }
    }

    /**
     * The emulator's web app in Chromium: a standard OAuth client that signs in through
     * {@code /oauth/authorize} and {@code /oauth/token} with a non-extractable WebCrypto DPoP key,
     * calls the API with it, and refreshes with it.
     */
    @Test
    @Needs({Program.CHROMIUM, Program.CHROMEDRIVER})
    void aBrowserSignsInWithGoogleAndWithAppleThroughTheEmulator() {
        final WebDriver browser = browser();
        try {
            for (String provider : new String[] {"google", "apple"}) {
                final String email = provider + "-browser-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                browser.get(ORIGIN + "/emulator/start/" + provider);
                final WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                final WebElement field = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("email")));
                field.clear();
                field.sendKeys(email);
                browser.findElement(By.id("continue")).click();

                wait.until(ExpectedConditions.textMatches(By.tagName("h1"), Pattern.compile("^(Signed in as|Refused).*")));

                assertThat(browser.getCurrentUrl()).as(provider).startsWith(ORIGIN + "/emulator/done?code=");
                assertThat(browser.findElement(By.tagName("h1")).getText()).as(provider).isEqualTo("Signed in as " + email);
                assertThat(browser.findElement(By.id("result")).getText()).contains("\"provider\": \"" + provider + "\"")
                        .as("bound to the key the page made").contains("\"tokenType\": \"DPoP\"");
                browser.findElement(By.id("refresh")).click();
                wait.until(ExpectedConditions.textMatches(By.id("status"), Pattern.compile(".+")));
                assertThat(browser.findElement(By.id("status")).getText()).as(provider)
                        .isEqualTo("Refreshed (DPoP), the API answered 200");
            }
        } finally {
            browser.quit();
        }
    }

    /**
     * Chromium's own WebAuthn, with a virtual platform authenticator (resident keys, user
     * verification), registers a passkey from our options on the emulator's page and signs in
     * with it: a real WebAuthn client accepts what we send, and we accept what it sends.
     */
    @Test
    @Needs({Program.CHROMIUM, Program.CHROMEDRIVER})
    void aBrowserAddsAPasskeyAndSignsInWithIt() {
        final WebDriver browser = browser();
        try {
            ((HasVirtualAuthenticator) browser).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                    .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                    .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                    .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true)
                    .setIsUserConsenting(true));
            final String email = "passkey-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            browser.get("http://localhost:" + PORT + "/emulator/passkeys");
            final WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            final WebElement field = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("email")));
            field.clear();
            field.sendKeys(email);

            browser.findElement(By.id("sign-in-google")).click();
            wait.until(ExpectedConditions.textMatches(By.id("status"), Pattern.compile(".+")));
            assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Signed in as " + email);

            browser.findElement(By.id("add")).click();
            wait.until(ExpectedConditions.textMatches(By.id("status"), Pattern.compile("^(Passkey added|Refused|Failed).*")));
            assertThat(browser.findElement(By.id("status")).getText()).as(browser.findElement(By.id("result")).getText())
                    .isEqualTo("Passkey added");

            browser.findElement(By.id("passkey")).click();
            wait.until(ExpectedConditions.textMatches(By.id("status"),
                    Pattern.compile("^(Signed in with a passkey|Refused|Failed).*")));
            assertThat(browser.findElement(By.id("status")).getText()).as(browser.findElement(By.id("result")).getText())
                    .isEqualTo("Signed in with a passkey as " + email);
            assertThat(DB.one("SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id"
                    + " WHERE u.email = ? AND s.provider = 'passkey' AND s.client_id = ?", email,
                    "http://localhost:" + PORT).get("n")).isEqualTo(1L);
        } finally {
            browser.quit();
        }
    }

    /**
     * A rehearsal of moving the app to another Apple team, against the emulator's migration
     * endpoint: prepare as the dev team, a sign-in with the new team's token (another subject, and
     * {@code transfer_sub}) before complete, then complete as the new team.
     */
    @Test
    void anAppleTransferCanBeRehearsedEndToEnd() {
        final String appToken = http().post("/api/app-check/debug", Map.of("debugToken",
                "dev-debug-token-for-simulators-and-ci")).json().path("appToken").asText();
        final Map<String, String> app = Map.of("X-App-Check", appToken);
        final String early = "early-" + UUID.randomUUID() + "@icloud.com";
        final String late = "late-" + UUID.randomUUID() + "@icloud.com";
        final java.util.function.BiFunction<String, String, String> signIn = (email, team) -> {
            final Map<String, Object> mint = team == null ? Map.of("email", email) : Map.of("email", email, "team", team);
            final String idToken = http().post("/emulator/apple/id-token", mint).json().path("idToken").asText();
            final Answer answer = http().post("/api/auth/apple", Map.of("identityToken", idToken), null, app);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            return answer.json().path("user").path("id").asText();
        };
        final String earlyUser = signIn.apply(early, null);
        final String lateUser = signIn.apply(late, null);

        final var prepared = TestApp.run(ENV, "apple", "transfer", "prepare", "--target-team", "DEVTEAM002", "--rate",
                "1000", TestApp.CONFIG);
        assertThat(prepared.succeeded()).as(prepared.stderr()).isTrue();
        assertThat(prepared.stdout()).containsPattern("Prepared [2-9] Apple identities"); // and other tests' users

        assertThat(signIn.apply(early, "DEVTEAM002")).as("the new team's token finds the same user").isEqualTo(earlyUser);

        final Map<String, String> newTeam = new java.util.HashMap<>(ENV);
        newTeam.put("APPLE_TEAM_ID", "DEVTEAM002");
        final var completed = TestApp.run(newTeam, "apple", "transfer", "complete", "--rate", "1000", TestApp.CONFIG);
        assertThat(completed.succeeded()).as(completed.stderr()).isTrue();
        assertThat(completed.stdout()).containsPattern("Moved [1-8] Apple identities");
        assertThat(signIn.apply(late, "DEVTEAM002")).isEqualTo(lateUser);
        for (String user : new String[] {earlyUser, lateUser}) {
            assertThat(DB.count("audit_log WHERE event = 'apple_subject_transferred' AND user_id = '" + user + "'"))
                    .isEqualTo(1);
        }
    }
}
