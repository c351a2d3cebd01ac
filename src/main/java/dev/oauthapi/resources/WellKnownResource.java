package dev.oauthapi.resources;

import dev.oauthapi.config.PasskeysConfig;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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

    public WellKnownResource(PasskeysConfig config) {
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
