package dev.oauthapi.identity;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;

import java.util.Map;

/**
 * We cannot check a provider token because the provider's keys cannot be had right now: a 503 the
 * app may retry, not a verdict on the token.
 */
public final class ProviderUnavailable extends ApiException {
    private static final long serialVersionUID = 1L;

    ProviderUnavailable(Provider provider) {
        super(ErrorCode.PROVIDER_UNAVAILABLE,
                "The signing keys of " + provider.wireName() + " cannot be fetched right now; try again shortly.",
                Map.of("Retry-After", "30"));
    }
}
