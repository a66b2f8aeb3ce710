package org.sparktrain.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubresourceIntegrityTest {
    @TempDir
    Path dir;

    private static String sri(String alg, String jcaName, byte[] data) throws Exception {
        return alg + "-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance(jcaName).digest(data));
    }

    @Test
    void acceptsMatchingDigestAndPicksStrongest() throws Exception {
        byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("f"), data);
        assertDoesNotThrow(() -> SubresourceIntegrity.verify(file, sri("sha512", "SHA-512", data), "f"));
        assertDoesNotThrow(() -> SubresourceIntegrity.verify(file, sri("sha256", "SHA-256", data), "f"));
        // a wrong sha256 next to a right sha512: only the strongest counts
        String mixed = "sha256-AAAA " + sri("sha512", "SHA-512", data);
        assertDoesNotThrow(() -> SubresourceIntegrity.verify(file, mixed, "f"));
    }

    @Test
    void mismatchNamesOriginExpectedAndFound() throws Exception {
        Path file = Files.write(dir.resolve("pkg.tgz"), new byte[] {1, 2, 3});
        String wrong = sri("sha512", "SHA-512", new byte[] {1, 2, 4});
        BadInputException e = assertThrows(BadInputException.class,
                () -> SubresourceIntegrity.verify(file, wrong, "https://example.invalid/pkg.tgz"));
        assertTrue(e.getMessage().contains("https://example.invalid/pkg.tgz"), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + wrong), e.getMessage());
        assertTrue(e.getMessage().contains("found " + sri("sha512", "SHA-512", new byte[] {1, 2, 3})), e.getMessage());
    }

    @Test
    void unsupportedAlgorithmIsAnError() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[] {1});
        assertThrows(IllegalArgumentException.class, () -> SubresourceIntegrity.verify(file, "md5-AAAA", "f"));
    }
}
