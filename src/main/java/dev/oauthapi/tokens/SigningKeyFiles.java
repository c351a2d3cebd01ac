package dev.oauthapi.tokens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The signing keys of our access tokens, one PKCS#8 PEM file a key in a folder, named by key id.
 * Key ids start with their UTC creation time, which decides when a key starts signing (see
 * {@link SigningKeys}); every key in the folder verifies. Rotation is "add a key, wait the
 * activation delay and one access-token lifetime, remove the old one".
 */
public final class SigningKeyFiles {
    private static final DateTimeFormatter KEY_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final String SUFFIX = ".pem";

    private final Path dir;

    public SigningKeyFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public boolean hasKeys() throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(SUFFIX));
        }
    }

    /**
     * Writes a new EC P-256 key with a fresh key id and returns its file. Never overwrites: an
     * existing file of the same name is an error.
     */
    public Path generate(Clock clock, SecureRandom random) throws IOException, GeneralSecurityException {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        final byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();

        final byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        final String keyId = KEY_ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(suffix);

        Files.createDirectories(dir);
        final Path file = dir.resolve(keyId + SUFFIX);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        // Created owner-only, never readable by others even for a moment.
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, pem(pkcs8), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        // The file's time is the key's, as its id says: a copy made later gets a later time, and
        // waits the activation delay from then (see SigningKeys#createdAt).
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(clock.instant()));
        return file;
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }
}
