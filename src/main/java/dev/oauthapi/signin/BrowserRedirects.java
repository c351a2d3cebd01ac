package dev.oauthapi.signin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.signin.BrowserSeals.Pending;
import dev.oauthapi.text.StorableText;
import dev.oauthapi.tokens.Sha256;
import io.dropwizard.jackson.Jackson;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Where the browser sign-in sends the browser, and what it reads of Apple's form: the URLs on the wire. */
final class BrowserRedirects {
    private static final ObjectMapper JSON = Jackson.newObjectMapper();
    private static final int MAX_APPLE_USER = 4096;

    private BrowserRedirects() {
    }

    /**
     * To Google, with our own PKCE challenge. The user always sees which Google account is used
     * (RFC 9700 §4.1): no silent sign-in with whichever account the browser happens to hold.
     */
    static URI toGoogle(WebSignIn.Endpoints endpoints, String clientId, String state, String nonce, String verifier) {
        final Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", endpoints.googleCallback().toString());
        query.put("scope", "openid email profile");
        query.put("prompt", "select_account");
        query.put("code_challenge", Sha256.base64url(verifier));
        query.put("code_challenge_method", "S256");
        query.put("state", state);
        query.put("nonce", nonce);
        return withQuery(endpoints.googleAuthorizationUrl().toString(), query);
    }

    /** To Apple, which posts the ID token back with the form (and the name, on the first sign-in). */
    static URI toApple(WebSignIn.Endpoints endpoints, String clientId, String state, String nonce) {
        final Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code id_token");
        query.put("response_mode", "form_post");
        query.put("client_id", clientId);
        query.put("redirect_uri", endpoints.appleCallback().toString());
        query.put("scope", "name email");
        query.put("state", state);
        query.put("nonce", nonce);
        return withQuery(endpoints.appleAuthorizationUrl().toString(), query);
    }

    /** To the app: one parameter, and its own state when it sent one. */
    static URI toApp(Pending pending, String name, String value) {
        return toApp(pending.redirectUri(), pending.appState(), Map.of(name, value), null);
    }

    /**
     * To the app: the parameters, its own state when it sent one, and, for an OAuth client, our
     * issuer ({@code iss}, RFC 9207: a client talking to several servers knows which one answered).
     */
    static URI toApp(String redirectUri, String appState, Map<String, String> parameters, String issuer) {
        final Map<String, String> query = new LinkedHashMap<>(parameters);
        if (appState != null) {
            query.put("state", appState);
        }
        if (issuer != null) {
            query.put("iss", issuer);
        }
        return withQuery(redirectUri, query);
    }

    /** Apple's {@code user}: {@code {"name": {"firstName", "lastName"}, "email"}}; anything else is no name. */
    static String appleName(String user) {
        if (user == null || user.length() > MAX_APPLE_USER) {
            return null;
        }
        try {
            final JsonNode name = JSON.readTree(user).path("name");
            final String full = (name.path("firstName").asText("") + " " + name.path("lastName").asText("")).strip();
            return full.isEmpty() ? null : StorableText.strip(full);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static URI withQuery(String base, Map<String, String> query) {
        final String encoded = query.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8)
                        .replace("+", "%20"))
                .collect(Collectors.joining("&"));
        return URI.create(base + (base.contains("?") ? "&" : "?") + encoded);
    }
}
