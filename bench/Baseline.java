import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import io.jsonwebtoken.Jwts;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The floor of a request on this machine: a bare Dropwizard application, with Dropwizard's default
 * server and request log and nothing of ours, answering a constant. bench/run.sh starts it beside
 * the service with the same JVM flags, measures it as its first row, and gives every workload as a
 * ratio to it. Run from source against the service's jar (it carries Dropwizard):
 * {@code java -cp oauth-api.jar bench/Baseline.java server baseline.yml}.
 *
 * <p>Given {@code -Dfloor.redis=HOST:PORT -Dfloor.db=JDBC_URL} it also answers the floors of the
 * hot paths: only the work no implementation of them can skip, with the same libraries and
 * nothing of ours, so that each of our workloads can be read against what the machine allows.
 * <ul>
 *   <li>{@code GET /floor/read} (an authenticated read): one Redis script round trip (a session
 *       check and a rate count) and a small JSON answer.</li>
 *   <li>{@code POST /floor/refresh}: a rate count in Redis, our rotation's own UPDATE by primary key
 *       on a copy of the sessions table (same rows, indexes and fill factor), an ES256 access token.</li>
 *   <li>{@code POST /floor/signin}: a rate count, an RS256 ID token verified, its replay mark in
 *       Redis, one statement inserting a session and its audit row (copies of the tables), an ES256
 *       access token. A lower bound: it neither looks up nor updates the identity.</li>
 * </ul>
 */
public final class Baseline extends Application<Configuration> {
    public static void main(String[] args) throws Exception {
        new Baseline().run(args);
    }

    @Path("/health")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Constant {
        private static final Map<String, String> OK = Map.of("status", "ok");

        @GET
        public Map<String, String> health() {
            return OK;
        }
    }

    @Path("/floor")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Floors {
        // Counts one key and reads another, as the session check and the rate limit do in one trip.
        private static final String SCRIPT = "redis.call('INCR', KEYS[1]) return redis.call('GET', KEYS[2])";
        private static final String ROTATE = """
                UPDATE floor_sessions s
                   SET refresh_generation = s.refresh_generation + 1, previous_refresh_hash = s.refresh_hash,
                       refresh_hash = ?, successor_sealed = ?, refreshed_at = ?, last_used_at = ?,
                       expires_at = LEAST(?, s.absolute_expires_at)
                  FROM users u
                 WHERE s.id = ? AND s.revoked_at IS NULL AND u.id = s.user_id AND u.disabled_at IS NULL
                RETURNING s.id, s.user_id, s.client_id, s.expires_at, u.role""";
        private static final String START = """
                WITH session AS (
                    INSERT INTO floor_sessions (id, user_id, provider, client_id, platform, created_at, last_used_at,
                                                expires_at, absolute_expires_at, refresh_generation, refresh_hash)
                    VALUES (?, ?, 'google', 'bench', 'ios', ?, ?, ?, ?, 0, ?)
                    RETURNING id, user_id)
                INSERT INTO floor_audit (occurred_at, event, user_id, actor_id, session_id, details)
                SELECT ?, 'session.started', user_id, user_id, id, '{"provider":"google"}'::jsonb FROM session""";

        private static final int POOL = 16;

        private final RedisClient redis;
        private final String sha;
        private final BlockingQueue<java.sql.Connection> connections;
        private final List<UUID> sessions = new ArrayList<>();
        private final List<UUID> users = new ArrayList<>();
        private final KeyPair signing;
        private final PublicKey google;
        private final String idToken;

        Floors(String redisAddress, String jdbcUrl) throws Exception {
            final String[] hostPort = redisAddress.split(":");
            // The service's pool sizes (config.yml): 32 to Redis, 16 to the database.
            final GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
            pool.setMaxTotal(32);
            pool.setMaxIdle(32);
            redis = RedisClient.builder().hostAndPort(new HostAndPort(hostPort[0], Integer.parseInt(hostPort[1])))
                    .poolConfig(pool).build();
            sha = redis.scriptLoad(SCRIPT);
            connections = new ArrayBlockingQueue<>(POOL);
            for (int i = 0; i < POOL; i++) {
                connections.add(DriverManager.getConnection(jdbcUrl));
            }
            final java.sql.Connection c = connections.take();
            try (var s = c.createStatement()) {
                s.execute("""
                        DROP TABLE IF EXISTS floor_sessions, floor_audit;
                        CREATE TABLE floor_sessions (LIKE sessions INCLUDING DEFAULTS INCLUDING INDEXES)
                            WITH (fillfactor = 70);
                        INSERT INTO floor_sessions SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id
                            WHERE s.revoked_at IS NULL AND u.disabled_at IS NULL ORDER BY s.id LIMIT 10000;
                        CREATE TABLE floor_audit (LIKE audit_log INCLUDING DEFAULTS INCLUDING INDEXES
                            INCLUDING IDENTITY);
                        ANALYZE floor_sessions;""");
                try (var rows = s.executeQuery("SELECT id, user_id FROM floor_sessions")) {
                    while (rows.next()) {
                        sessions.add(rows.getObject(1, UUID.class));
                        users.add(rows.getObject(2, UUID.class));
                    }
                }
            } finally {
                connections.add(c);
            }
            final KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            signing = ec.generateKeyPair();
            final KeyPair rsa = Jwts.SIG.RS256.keyPair().build();
            google = rsa.getPublic();
            final Instant now = Instant.now();
            idToken = Jwts.builder().issuer("https://accounts.google.com").audience().add("bench").and()
                    .subject("1234567890").claim("email", "someone@example.com").claim("email_verified", true)
                    .claim("nonce", "n").issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(86_400)))
                    .signWith(rsa.getPrivate(), Jwts.SIG.RS256).compact();
        }

        @GET
        @Path("read")
        public Map<String, Object> read() {
            final String user = users.get(ThreadLocalRandom.current().nextInt(users.size())).toString();
            redis.evalsha(sha, List.of("{" + user + "}:rate", "{" + user + "}:session"), List.of());
            return Map.of("id", user, "email", "someone@example.com", "name", "Some One", "role", "user",
                    "createdAt", "2026-01-01T00:00:00Z", "identities", List.of("google"));
        }

        @POST
        @Path("refresh")
        public Map<String, Object> refresh() throws Exception {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            final UUID session = sessions.get(random.nextInt(sessions.size()));
            redis.evalsha(sha, List.of("{ip}:rate", "{ip}:none"), List.of());
            final Instant now = Instant.now();
            final java.sql.Connection c = connections.take();
            String user;
            try (PreparedStatement s = c.prepareStatement(ROTATE)) {
                s.setBytes(1, bytes(32));
                s.setBytes(2, bytes(60));
                s.setTimestamp(3, Timestamp.from(now));
                s.setTimestamp(4, Timestamp.from(now));
                s.setTimestamp(5, Timestamp.from(now.plusSeconds(30 * 86_400)));
                s.setObject(6, session);
                try (var rows = s.executeQuery()) {
                    rows.next();
                    user = rows.getString(2);
                }
            } finally {
                connections.add(c);
            }
            return Map.of("accessToken", accessToken(user, session.toString(), now),
                    "refreshToken", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(68)));
        }

        @POST
        @Path("signin")
        public Map<String, Object> signIn() throws Exception {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            redis.evalsha(sha, List.of("{ip}:rate", "{ip}:none"), List.of());
            final var claims = Jwts.parser().verifyWith(google).build().parseSignedClaims(idToken).getPayload();
            redis.evalsha(sha, List.of("{" + claims.getSubject() + "}:used", "{" + claims.getSubject() + "}:nonce"),
                    List.of());
            final UUID user = users.get(random.nextInt(users.size()));
            final UUID session = UUID.randomUUID();
            final Instant now = Instant.now();
            final java.sql.Connection c = connections.take();
            try (PreparedStatement s = c.prepareStatement(START)) {
                s.setObject(1, session);
                s.setObject(2, user);
                s.setTimestamp(3, Timestamp.from(now));
                s.setTimestamp(4, Timestamp.from(now));
                s.setTimestamp(5, Timestamp.from(now.plusSeconds(30 * 86_400)));
                s.setTimestamp(6, Timestamp.from(now.plusSeconds(90 * 86_400)));
                s.setBytes(7, bytes(32));
                s.setTimestamp(8, Timestamp.from(now));
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                connections.add(c);
            }
            return Map.of("accessToken", accessToken(user.toString(), session.toString(), now),
                    "refreshToken", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(68)),
                    "user", Map.of("id", user.toString(), "email", claims.get("email", String.class)));
        }

        private String accessToken(String user, String session, Instant now) {
            return Jwts.builder().header().type("at+jwt").keyId("bench").and()
                    .issuer("https://api.example.com").subject(user).audience().add("https://api.example.com").and()
                    .claim("client_id", "bench").claim("sid", session).claim("role", "user")
                    .id(UUID.randomUUID().toString()).issuedAt(Date.from(now))
                    .expiration(Date.from(now.plusSeconds(900))).signWith(signing.getPrivate(), Jwts.SIG.ES256)
                    .compact();
        }

        private static byte[] bytes(int n) {
            final byte[] b = new byte[n];
            ThreadLocalRandom.current().nextBytes(b);
            return b;
        }
    }

    @Override
    public void run(Configuration configuration, Environment environment) throws Exception {
        environment.jersey().register(new Constant());
        final String redis = System.getProperty("floor.redis");
        final String db = System.getProperty("floor.db");
        if (redis != null && db != null) {
            environment.jersey().register(new Floors(redis, db));
        }
    }
}
