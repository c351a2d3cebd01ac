package dev.oauthapi.identity;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;

/**
 * A provider token failed one check. The detail names the check and what was received (an
 * audience, an algorithm), never the token itself.
 */
public final class IdTokenRejected extends ApiException {
    private static final long serialVersionUID = 1L;

    private final String check;

    IdTokenRejected(ErrorCode code, String check, String detail) {
        super(code, check + ": " + detail);
        this.check = check;
    }

    public String check() {
        return check;
    }
}
