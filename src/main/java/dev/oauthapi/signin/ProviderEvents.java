package dev.oauthapi.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.ProviderEventDao;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.IdTokenVerifier;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.text.StorableText;
import dev.oauthapi.users.AccountDeletion;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What Apple and Google tell us about their users' accounts, acted on. Each event token is
 * verified like a sign-in token (signature, issuer, our audiences) before anything happens; its
 * effects and the record of its {@code jti} commit in one transaction, so a redelivered event
 * changes nothing and an event is acknowledged only once it is stored.
 *
 * <ul>
 *   <li>Apple: {@code consent-revoked} ends the sessions of that Apple identity and forgets its
 *       Apple token; {@code account-delete} removes the identity (and the user with its last one);
 *       {@code email-disabled} / {@code email-enabled} set the identity's relay-mail flag.</li>
 *   <li>Google (Cross-Account Protection): {@code sessions-revoked} and {@code tokens-revoked} end
 *       the sessions of that Google identity; {@code account-disabled} also stops sign-in through it
 *       until {@code account-enabled}; {@code account-purged} removes the identity.</li>
 * </ul>
 */
public final class ProviderEvents {
    /** Google sends most events under the RISC prefix, {@code tokens-revoked} under the OAuth one. */
    static final java.util.regex.Pattern EVENT_TYPE_PREFIX =
            java.util.regex.Pattern.compile("^https://schemas\\.openid\\.net/secevent/(risc|oauth)/event-type/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ProviderEvents.class);

    private final IdTokenVerifier appleNotifications;
    private final IdTokenVerifier googleSecurityEvents;
    private final SessionLifecycle lifecycle;
    private final AccountDeletion deletion;
    private final Clock clock;
    private final AuthMetrics metrics;

    public ProviderEvents(IdTokenVerifier appleNotifications, IdTokenVerifier googleSecurityEvents,
                          SessionLifecycle lifecycle, AccountDeletion deletion, Clock clock, AuthMetrics metrics) {
        this.deletion = deletion;
        this.metrics = metrics;
        this.appleNotifications = appleNotifications;
        this.googleSecurityEvents = googleSecurityEvents;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** An Apple server-to-server notification: {@code events} is a JSON object inside a string. */
    public void apple(String payload) {
        requireEnabled(appleNotifications);
        final JsonNode claims = appleNotifications.verifyEvent(payload);
        if (!claims.hasNonNull("events")) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "The notification carries no events.");
        }
        final JsonNode event = parseEvents(claims.path("events"));
        final String type = StorableText.strip(event.path("type").asText(""));
        final String subject = StorableText.strip(event.path("sub").asText(""));
        act(Provider.APPLE, StorableText.strip(claims.path("jti").asText()), type, (tx, now) -> {
            final IdentityDao identities = new IdentityDao(tx.handle());
            switch (type) {
                case "consent-revoked" -> {
                    identities.forgetProviderToken("apple", subject);
                    endSessions(tx, "apple", subject, "apple_consent_revoked");
                }
                case "account-delete" -> removeIdentity(tx, "apple", subject);
                case "email-disabled" -> identities.setEmailRelayDisabled("apple", subject, true);
                case "email-enabled" -> identities.setEmailRelayDisabled("apple", subject, false);
                default -> LOG.info("Ignoring an Apple notification of type '{}'", type);
            }
        });
    }

    /** A Google RISC security event token (RFC 8417): one or more events about one account. */
    public void google(String securityEventToken) {
        requireEnabled(googleSecurityEvents);
        final JsonNode claims = googleSecurityEvents.verifyEvent(securityEventToken);
        final JsonNode events = claims.path("events");
        if (!events.isObject() || events.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "The security event token carries no events.");
        }
        final List<String> types = new ArrayList<>();
        events.fieldNames().forEachRemaining(types::add);
        act(Provider.GOOGLE, StorableText.strip(claims.path("jti").asText()), String.join(" ", types), (tx, now) -> {
            for (Iterator<Map.Entry<String, JsonNode>> it = events.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> entry = it.next();
                final String subject = StorableText.strip(entry.getValue().path("subject").path("sub").asText(""));
                googleEvent(tx, EVENT_TYPE_PREFIX.matcher(entry.getKey()).replaceFirst(""), subject, now);
            }
        });
    }

    private void googleEvent(SessionLifecycle.Transaction tx, String type, String subject, Instant now) {
        final IdentityDao identities = new IdentityDao(tx.handle());
        switch (type) {
            case "sessions-revoked", "tokens-revoked" -> endSessions(tx, "google", subject, "google_" + type);
            case "account-disabled" -> {
                identities.setSignInDisabled("google", subject, now);
                endSessions(tx, "google", subject, "google_account_disabled");
            }
            case "account-enabled" -> identities.setSignInDisabled("google", subject, null);
            case "account-purged" -> removeIdentity(tx, "google", subject);
            default -> { } // verification, account-credential-change-required: nothing to do
        }
    }

    /**
     * One transaction: record the jti (skip if seen), act, audit; the unit of work then makes
     * ended sessions fail at once, and profiles that lost an identity current everywhere.
     */
    private void act(Provider provider, String jti, String type, Effect effect) {
        final boolean acted = lifecycle.inTransaction(tx -> {
            final Instant now = clock.instant();
            if (new ProviderEventDao(tx.handle()).record(provider.wireName(), jti, type, now) == 0) {
                return false; // delivered before: already acted on
            }
            effect.apply(tx, now);
            tx.audit(Audit.Event.PROVIDER_EVENT, null, null, null, null,
                    Map.of("provider", provider.wireName(), "type", type, "jti", jti, "sessionsEnded", tx.ended().size()));
            return true;
        });
        if (acted) {
            // Google sends one or more event type URLs: counted by their last part. Signed by the
            // provider, but still not ours to let grow the series: odd names count as "other".
            for (String one : type.split(" ")) {
                final String name = EVENT_TYPE_PREFIX.matcher(one).replaceFirst("");
                metrics.providerEvent(provider.wireName(), name.matches("[a-z-]{1,40}") ? name : "other");
            }
        }
    }

    private static void endSessions(SessionLifecycle.Transaction tx, String provider, String subject, String reason) {
        new IdentityDao(tx.handle()).find(provider, subject)
                .ifPresent(found -> tx.endOfProvider(found.userId(), provider, reason));
    }

    /** Removes the identity; its user too when it was the last one, as any deletion of an account. */
    private void removeIdentity(SessionLifecycle.Transaction tx, String provider, String subject) {
        final Handle handle = tx.handle();
        final Optional<IdentityRow> identity = new IdentityDao(handle).find(provider, subject);
        if (identity.isEmpty()) {
            return;
        }
        final UUID userId = identity.get().userId();
        tx.profileChanged(userId);
        new UserDao(handle).lock(userId);
        tx.endOfProvider(userId, provider, provider + "_account_deleted");
        new IdentityDao(handle).deleteBySubject(provider, subject);
        if (new IdentityDao(handle).countOfUser(userId) == 0) {
            deletion.delete(tx, userId, null, Map.of("by", provider), null);
        }
    }

    private static JsonNode parseEvents(JsonNode events) {
        if (events.isObject()) {
            return events;
        }
        try {
            return JSON.readTree(events.asText("{}"));
        } catch (IOException e) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "The notification's events are not JSON.");
        }
    }

    private static void requireEnabled(IdTokenVerifier verifier) {
        if (!verifier.isEnabled()) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED,
                    verifier.provider().wireName() + " is not enabled on this server.");
        }
    }

    @FunctionalInterface
    private interface Effect {
        void apply(SessionLifecycle.Transaction tx, Instant now);
    }
}
