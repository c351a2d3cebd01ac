package dev.oauthapi.redis;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.config.CommaSeparated;
import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.Secret;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.LocalPorts;
import dev.oauthapi.testing.Needs;
import dev.oauthapi.testing.Program;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestTls;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The link to Redis as the Docker stack sets it up, on a real redis-server: TLS (the server's
 * certificate signed by a CA of our own, named in {@code REDIS_CA_FILE}, its name checked), and
 * the api's ACL user with exactly the rules of {@code docker/redis/api-user.acl}. Every flow that
 * touches Redis works so; the user can do nothing else; a server the CA did not sign is refused.
 */
@Needs(Program.REDIS_SERVER)
@ExtendWith(DropwizardExtensionsSupport.class)
class RedisLinkTest {
    static final String APPLE_APP = "com.example.link";
    static final String API_PASSWORD = "api-" + UUID.randomUUID();
    static final TestTls TLS = TestTls.generate("redis");
    static final int PORT = LocalPorts.free();
    static final Process REDIS = startRedis();
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Process startRedis() {
        try {
            final Path dir = Files.createTempDirectory("redis-link");
            final Path conf = dir.resolve("auth.conf");
            // As docker/redis/redis.Dockerfile writes it: the default user is the operator's.
            Files.writeString(conf, "requirepass \"operator-" + UUID.randomUUID() + "\"\nuser oauth-api on >" + API_PASSWORD
                    + " " + Files.readString(Path.of("docker/redis/api-user.acl")).strip() + "\n");
            final Process redis = new ProcessBuilder(Program.REDIS_SERVER.path().toString(), conf.toString(),
                    "--port", "0", "--tls-port", Integer.toString(PORT), "--bind", "127.0.0.1",
                    "--tls-cert-file", TLS.serverCertificate().toString(), "--tls-key-file", TLS.serverKey().toString(),
                    "--tls-ca-cert-file", TLS.caCertificate().toString(), "--tls-auth-clients", "no",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            LocalPorts.awaitListening(PORT, "redis-server with TLS");
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> environment() {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP);
        env.put("REDIS_HOST", "127.0.0.1");
        env.put("REDIS_PORT", Integer.toString(PORT));
        env.put("REDIS_DB", "0");
        env.put("REDIS_USERNAME", "oauth-api");
        env.put("REDIS_PASSWORD", API_PASSWORD);
        env.put("REDIS_TLS", "true");
        env.put("REDIS_CA_FILE", TLS.caCertificate().toString());
        return env;
    }

    @AfterAll
    static void stop() {
        REDIS.destroy();
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    @Test
    void signInRefreshAndRevocationWorkOverTlsAsTheAclUser() {
        final String nonce = http().post("/api/auth/nonce", Map.of()).json().path("nonce").asText();
        final Answer signedIn = http().post("/api/auth/apple", Map.of("nonce", nonce, "identityToken",
                APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).claim("nonce", nonce).build()));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        final String access = signedIn.json().path("tokens").path("accessToken").asText();
        final String refresh = signedIn.json().path("tokens").path("refreshToken").asText();

        assertThat(http().get("/api/users/me", access).status()).isEqualTo(200);
        assertThat(http().get("/api/users/me", access).status()).as("from the cached session answer").isEqualTo(200);
        final Answer rotated = http().post("/api/auth/refresh", Map.of("refreshToken", refresh));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(http().post("/api/auth/logout", Map.of(), rotated.json().path("accessToken").asText()).status())
                .isEqualTo(204);
        assertThat(http().get("/api/users/me", rotated.json().path("accessToken").asText()).status()).isEqualTo(401);
        final Answer health = new TestHttp(APP.getAdminPort()).get("/healthcheck", null);
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
    }

    @Test
    void theAclUserCanDoNothingElse() {
        final DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().user("oauth-api").password(API_PASSWORD)
                .ssl(true).sslSocketFactory(trusting(TLS.caCertificate())).build();
        try (Jedis api = new Jedis(new HostAndPort("127.0.0.1", PORT), config)) {
            assertThat(api.set("oauth-api:probe", "1")).isEqualTo("OK");
            for (Runnable forbidden : List.<Runnable>of(api::flushAll, () -> api.get("someone-elses:key"),
                    () -> api.configGet("*"), () -> api.keys("*"), () -> api.eval("return redis.call('FLUSHALL')"))) {
                assertThatThrownBy(forbidden::run).isInstanceOfAny(JedisAccessControlException.class, JedisDataException.class)
                        .satisfies(refused -> assertThat(refused.getMessage())
                                .containsAnyOf("NOPERM", "user executing the script can't run this command"));
            }
        }
    }

    @Test
    void aServerWhoseCertificateOurCaDidNotSignIsRefused() {
        final TestTls other = TestTls.generate("other");
        final Redis redis = Redis.connect(new RedisConfig("127.0.0.1", PORT, Secret.of(API_PASSWORD), 0, 1,
                Duration.seconds(2), Duration.seconds(2), Duration.seconds(2), "standalone", CommaSeparated.parse(""), "",
                "oauth-api", true, other.caCertificate().toString(), Secret.of("")));
        try {
            assertThatThrownBy(() -> redis.call(jedis -> jedis.ping())).isInstanceOf(dev.oauthapi.redis.RedisUnavailable.class);
        } finally {
            redis.stop();
        }
    }

    private static javax.net.ssl.SSLSocketFactory trusting(Path ca) {
        try (var in = Files.newInputStream(ca)) {
            final java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            final javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            trust.init(store);
            final javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
