package dev.oauthapi.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of the test's own and a server certificate it signed for 127.0.0.1 and
 * localhost, made with the JDK's keytool (so nothing outside the JDK is needed), as PEM files a
 * server such as redis-server reads.
 */
public record TestTls(Path caCertificate, Path serverCertificate, Path serverKey) {
    private static final String PASSWORD = "test-only";

    public static TestTls generate(String name) {
        try {
            final Path dir = Files.createTempDirectory("tls-" + name);
            final Path ca = dir.resolve("ca.p12");
            final Path server = dir.resolve("server.p12");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name + " test CA",
                    "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-validity", "2", "-keystore", server.toString());
            keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", dir.resolve("server.csr").toString());
            keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", dir.resolve("server.csr").toString(),
                    "-outfile", dir.resolve("server.pem").toString(), "-rfc", "-ext", "san=ip:127.0.0.1,dns:localhost",
                    "-validity", "2");
            keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-rfc", "-file", dir.resolve("ca.pem").toString());
            final KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(server)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            final Key key = keys.getKey("server", PASSWORD.toCharArray());
            final Path keyFile = dir.resolve("server.key");
            Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            return new TestTls(dir.resolve("ca.pem"), dir.resolve("server.pem"), keyFile);
        } catch (Exception e) {
            throw new IllegalStateException("Could not make test certificates", e);
        }
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12", "-noprompt"));
        final Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
