package dev.oauthapi.resources;

import dev.oauthapi.api.DeviceRequest;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.http.ClientAddress;
import dev.oauthapi.text.StorableText;
import dev.oauthapi.users.SignInContext;
import jakarta.servlet.http.HttpServletRequest;

/** What a request tells about its client: the resolved address, the user agent, the device it reports. */
final class ClientContext {
    private static final int MAX_USER_AGENT = 512;
    static final String APP_CHECK = "X-App-Check";
    static final String DPOP = "DPoP";

    private ClientContext() {
    }

    static String address(HttpServletRequest request) {
        final Object resolved = request.getAttribute(ClientAddress.ATTRIBUTE);
        // Always set by ClientAddressFilter, which runs before every resource.
        return (String) resolved;
    }

    static SignInContext of(HttpServletRequest request, DeviceRequest device) {
        String userAgent = request.getHeader("User-Agent");
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        // After the cut, which may halve a surrogate pair.
        userAgent = StorableText.strip(userAgent);
        return device == null
                ? new SignInContext(null, null, null, address(request), userAgent, appCheck(request), dpop(request))
                : new SignInContext(device.platform(), device.name(), device.appVersion(), address(request), userAgent,
                appCheck(request), dpop(request));
    }

    /** The request's DPoP proofs (every {@code DPoP} header: more than one is refused), method and path. */
    static DpopBinding.Presented dpop(HttpServletRequest request) {
        return new DpopBinding.Presented(java.util.Collections.list(request.getHeaders(DPOP)), request.getMethod(),
                request.getRequestURI());
    }

    /** The app token, as {@link dev.oauthapi.appcheck.AppCheckGate} reads it. */
    static String appCheck(HttpServletRequest request) {
        return request.getHeader(APP_CHECK);
    }
}
