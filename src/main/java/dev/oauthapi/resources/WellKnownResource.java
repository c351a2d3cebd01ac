package dev.oauthapi.resources;

import dev.oauthapi.config.PasskeysConfig;
import dev.oauthapi.dpop.DpopProofs;
import dev.oauthapi.signin.OAuthGrants;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The association files that let the iOS and Android apps use this RP ID's passkeys, from
 * configuration, answered directly (no redirect: neither platform follows one). They only work
 * when served from the RP ID's own host.
 */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public final class WellKnownResource {
    private final Map<String, Object> appleAppSiteAssociation;
    private final List<Map<String, Object>> assetLinks;
    private final Map<String, Object> authorizationServer;
    private final String issuerPath;

    /**
     * @param issuer        our tokens' issuer ({@code JWT_ISSUER})
     * @param publicBaseUrl where apps reach this service; the OAuth endpoints are under it
     * @param codeFlow      whether the browser sign-in is on, and with it the authorization endpoint
     */
    public WellKnownResource(PasskeysConfig config, String issuer, URI publicBaseUrl, boolean codeFlow) {
        this.authorizationServer = authorizationServer(issuer, publicBaseUrl, codeFlow);
        final String path = URI.create(issuer).getRawPath();
        this.issuerPath = path == null || path.equals("/") ? "" : path.replaceAll("/$", "");
        this.appleAppSiteAssociation = config.isEnabled() && !config.iosAppIds().isEmpty()
                ? Map.of("webcredentials", Map.of("apps", config.iosAppIds().values())) : null;
        this.assetLinks = config.isEnabled() ? config.android().stream().map(app -> {
            final Map<String, Object> target = new LinkedHashMap<>();
            target.put("namespace", "android_app");
            target.put("package_name", app.packageName());
            target.put("sha256_cert_fingerprints", app.fingerprints());
            final Map<String, Object> statement = new LinkedHashMap<>();
            statement.put("relation", List.of("delegate_permission/common.handle_all_urls",
                    "delegate_permission/common.get_login_creds"));
            statement.put("target", target);
            return statement;
        }).toList() : List.of();
    }

    /**
     * RFC 8414 metadata: only what this service serves. Without the browser sign-in there is no
     * authorization endpoint, so neither it nor the authorization-code grant is listed.
     */
    private static Map<String, Object> authorizationServer(String issuer, URI base, boolean codeFlow) {
        final String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        final Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        if (codeFlow) {
            metadata.put("authorization_endpoint", root + "/oauth/authorize");
        }
        metadata.put("token_endpoint", root + "/oauth/token");
        metadata.put("revocation_endpoint", root + "/oauth/revoke");
        metadata.put("jwks_uri", root + "/.well-known/jwks.json");
        metadata.put("response_types_supported", codeFlow ? List.of("code") : List.of());
        metadata.put("grant_types_supported", codeFlow
                ? List.of("authorization_code", "refresh_token", OAuthGrants.TOKEN_EXCHANGE)
                : List.of("refresh_token", OAuthGrants.TOKEN_EXCHANGE));
        metadata.put("token_endpoint_auth_methods_supported", List.of("none"));
        metadata.put("revocation_endpoint_auth_methods_supported", List.of("none"));
        metadata.put("code_challenge_methods_supported", List.of("S256"));
        metadata.put("dpop_signing_alg_values_supported", DpopProofs.ALGORITHMS);
        if (codeFlow) {
            // RFC 9207: every redirect of ours names us, so a client of several servers cannot be mixed up.
            metadata.put("authorization_response_iss_parameter_supported", true);
        }
        return java.util.Collections.unmodifiableMap(metadata);
    }

    @GET
    @Path("/oauth-authorization-server")
    public Map<String, Object> authorizationServer() {
        return authorizationServer("");
    }

    /** RFC 8414 §3.1: an issuer with a path has its metadata here, with the path after the well-known name. */
    @GET
    @Path("/oauth-authorization-server/{issuerPath: .+}")
    public Map<String, Object> authorizationServerOfPath(@Encoded @PathParam("issuerPath") String path) {
        return authorizationServer("/" + path);
    }

    private Map<String, Object> authorizationServer(String path) {
        if (!issuerPath.equals(path)) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No authorization server has this issuer here; see JWT_ISSUER.");
        }
        return authorizationServer;
    }

    @GET
    @Path("/apple-app-site-association")
    public Map<String, Object> appleAppSiteAssociation() {
        if (appleAppSiteAssociation == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No iOS app is configured (PASSKEY_IOS_APP_IDS).");
        }
        return appleAppSiteAssociation;
    }

    @GET
    @Path("/assetlinks.json")
    public List<Map<String, Object>> assetLinks() {
        if (assetLinks.isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No Android app is configured (PASSKEY_ANDROID_APPS).");
        }
        return assetLinks;
    }
}
