package dev.oauthapi.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Apple's user migration (TN3159) for two teams, as strict as Apple's: a client-credentials token
 * ({@code scope=user.migration}) for a client secret signed by a team's key; the old team gets a
 * transfer identifier for a user and a {@code target} team, the target team exchanges it for the
 * user's subject, address and relay flag under it. Each step accepts only its team's token and
 * secret, and a user who revoked the app's access is {@code invalid_request}.
 */
public final class FakeAppleMigration implements AutoCloseable {
    public static final String OLD_TEAM = "OLDTEAM001";
    public static final String NEW_TEAM = "NEWTEAM002";

    /** A team: its id, key id, key pair and the .p8 file of its private key. */
    public record Team(String id, String keyId, KeyPair key, Path p8) {
    }

    /** A user under the new team. */
    public record Moved(String subject, String email, boolean privateEmail) {
    }

    private record Grant(String team, String clientId) {
    }

    private record Pending(String oldSubject, String target) {
    }

    private final HttpServer server;
    private final Map<String, Team> teams = new HashMap<>();
    private final Map<String, Moved> users = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, Grant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Pending> transfers = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();

    private FakeAppleMigration() throws Exception {
        for (String[] team : new String[][] {{OLD_TEAM, "OLDKEY0001"}, {NEW_TEAM, "NEWKEY0002"}}) {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            final KeyPair key = generator.generateKeyPair();
            final Path p8 = Files.createTempFile("AuthKey_" + team[1], ".p8");
            Files.writeString(p8, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            teams.put(team[0], new Team(team[0], team[1], key, p8));
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/auth/token", this::token);
        server.createContext("/auth/usermigrationinfo", this::migration);
        server.start();
    }

    public static FakeAppleMigration start() {
        try {
            return new FakeAppleMigration();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The APPLE_* variables of the service run by {@code team}, pointed here. */
    public Map<String, String> environment(String team, String encryptionKey) {
        final Team chosen = teams.get(team);
        return Map.of("APPLE_TEAM_ID", chosen.id(), "APPLE_KEY_ID", chosen.keyId(),
                "APPLE_PRIVATE_KEY_PATH", chosen.p8().toString(), "APPLE_TOKEN_URL", base() + "/auth/token",
                "APPLE_MIGRATION_URL", base() + "/auth/usermigrationinfo", "APPLE_TOKEN_ENCRYPTION_KEY", encryptionKey);
    }

    /** A user of the old team's app, and who they will be under the new team. */
    public Moved user(String oldSubject, String newEmail, boolean privateEmail) {
        final Moved moved = new Moved("001." + UUID.randomUUID(), newEmail, privateEmail);
        users.put(oldSubject, moved);
        return moved;
    }

    /** The user revoked the app's access: Apple will not migrate them. */
    public void revoke(String oldSubject) {
        revoked.add(oldSubject);
    }

    /** The transfer identifier Apple gave for {@code oldSubject}, as the new team's ID tokens carry it; null before. */
    public String transferSubOf(String oldSubject) {
        return transfers.entrySet().stream().filter(entry -> entry.getValue().oldSubject().equals(oldSubject))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    public List<String> rejections() {
        return rejections;
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void token(HttpExchange exchange) throws IOException {
        final Map<String, String> form = FakeExchanges.form(exchange);
        final String team = teamOfSecret(form);
        if (team == null) {
            FakeExchanges.answer(exchange, 401, Map.of("error", "invalid_client"));
        } else if (!"client_credentials".equals(form.get("grant_type"))) {
            reject(exchange, "grant_type " + form.get("grant_type"), "unsupported_grant_type");
        } else if (!"user.migration".equals(form.get("scope"))) {
            reject(exchange, "scope " + form.get("scope"), "invalid_scope");
        } else {
            final String accessToken = "mig-" + UUID.randomUUID();
            accessTokens.put(accessToken, new Grant(team, form.get("client_id")));
            FakeExchanges.answer(exchange, 200, Map.of("access_token", accessToken, "token_type", "Bearer", "expires_in", 3600));
        }
    }

    private void migration(HttpExchange exchange) throws IOException {
        final Map<String, String> form = FakeExchanges.form(exchange);
        final String bearer = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        final Grant grant = bearer.startsWith("Bearer ") ? accessTokens.get(bearer.substring(7)) : null;
        final String team = teamOfSecret(form);
        if (grant == null || team == null || !grant.team().equals(team) || !grant.clientId().equals(form.get("client_id"))) {
            rejections.add("migration: token or secret");
            FakeExchanges.answer(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (form.containsKey("sub")) {
            final String subject = form.get("sub");
            if (!team.equals(OLD_TEAM) || !NEW_TEAM.equals(form.get("target")) || !users.containsKey(subject)
                    || revoked.contains(subject)) {
                reject(exchange, "transfer of " + subject + " by " + team + " to " + form.get("target"), "invalid_request");
                return;
            }
            final String existing = transferSubOf(subject);
            final String transferSub = existing != null ? existing : "tr." + UUID.randomUUID();
            transfers.put(transferSub, new Pending(subject, form.get("target")));
            FakeExchanges.answer(exchange, 200, Map.of("transfer_sub", transferSub));
            return;
        }
        final Pending pending = transfers.get(String.valueOf(form.get("transfer_sub")));
        if (pending == null || !pending.target().equals(team)) {
            reject(exchange, "exchange of " + form.get("transfer_sub") + " by " + team, "invalid_request");
            return;
        }
        final Moved moved = users.get(pending.oldSubject());
        FakeExchanges.answer(exchange, 200, Map.of("sub", moved.subject(), "email", moved.email(),
                "is_private_email", moved.privateEmail()));
    }

    /** The team whose key signed the request's client secret for its client id, with Apple's claims; null otherwise. */
    private String teamOfSecret(Map<String, String> form) {
        for (Team team : teams.values()) {
            try {
                final Jws<Claims> secret = Jwts.parser().verifyWith(team.key().getPublic()).build()
                        .parseSignedClaims(form.getOrDefault("client_secret", ""));
                final Claims claims = secret.getPayload();
                if (team.keyId().equals(secret.getHeader().getKeyId()) && team.id().equals(claims.getIssuer())
                        && claims.getSubject() != null && claims.getSubject().equals(form.get("client_id"))
                        && claims.getAudience().contains("https://appleid.apple.com")
                        && Duration.between(Instant.now(), claims.getExpiration().toInstant()).toMinutes() <= 10) {
                    return team.id();
                }
            } catch (RuntimeException e) {
                // another team's key, or no secret at all
            }
        }
        rejections.add("client secret");
        return null;
    }

    private void reject(HttpExchange exchange, String why, String error) throws IOException {
        rejections.add(why);
        FakeExchanges.answer(exchange, 400, Map.of("error", error));
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            for (Team team : teams.values()) {
                Files.deleteIfExists(team.p8());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
