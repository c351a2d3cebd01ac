package dev.oauthapi.identity;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Apple's "Hide My Email" addresses, by their domains ({@code APPLE_PRIVATE_RELAY_DOMAINS}): such
 * an address reaches the user only through Apple, for one app and one team, so it never links
 * accounts and is replaced when the app moves to another team.
 */
public record PrivateRelay(Set<String> domains) {
    public static final PrivateRelay APPLE = new PrivateRelay(Set.of("privaterelay.appleid.com"));

    public static PrivateRelay of(List<String> domains) {
        return new PrivateRelay(domains.stream().map(domain -> domain.toLowerCase(Locale.ROOT).strip())
                .filter(domain -> !domain.isEmpty()).collect(Collectors.toUnmodifiableSet()));
    }

    public boolean isRelayAddress(String email) {
        if (email == null) {
            return false;
        }
        final int at = email.lastIndexOf('@');
        return at >= 0 && domains.contains(email.substring(at + 1).toLowerCase(Locale.ROOT));
    }
}
