package org.sparktrain.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Verifies a file against a Subresource-Integrity string, the form npm records in {@code package-lock.json} and the
 * registry's {@code dist.integrity}: {@code <algorithm>-<base64 digest>}, e.g. {@code sha512-yNMi...UoW==}. Several
 * space-separated entries are allowed; the strongest supported algorithm (sha512, sha384, sha256) is checked.
 */
public final class SubresourceIntegrity {
    private static final List<String> STRENGTH = List.of("sha512", "sha384", "sha256");

    private SubresourceIntegrity() {
    }

    /**
     * Checks {@code file} against {@code integrity}; a mismatch is a {@link BadInputException} naming
     * {@code what} (the file's origin), the expected and the actual digest.
     */
    public static void verify(Path file, String integrity, String what) {
        String[] chosen = strongest(integrity);
        String actual = chosen[0] + "-" + compute(file, chosen[0]);
        String expected = chosen[0] + "-" + chosen[1];
        if (!MessageDigest.isEqual(expected.getBytes(), actual.getBytes())) {
            throw new BadInputException("integrity check failed for " + what + " (" + file + "): expected " + expected
                    + ", found " + actual + " (corrupt or tampered download)");
        }
    }

    /** The base64 digest of {@code file} with {@code algorithm} ({@code sha512}, {@code sha384} or {@code sha256}). */
    public static String compute(Path file, String algorithm) {
        MessageDigest md = Checksums.digest(algorithm.toUpperCase(Locale.ROOT).replace("SHA", "SHA-"));
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + " to verify it: " + e, e);
        }
        return Base64.getEncoder().encodeToString(md.digest());
    }

    /** {algorithm, base64} of the strongest supported entry. */
    private static String[] strongest(String integrity) {
        if (integrity == null || integrity.isBlank()) {
            throw new IllegalArgumentException("integrity string is empty");
        }
        String[] best = null;
        for (String token : integrity.trim().split("\\s+")) {
            int dash = token.indexOf('-');
            if (dash <= 0) {
                continue;
            }
            String alg = token.substring(0, dash).toLowerCase(Locale.ROOT);
            String digest = token.substring(dash + 1);
            int q = digest.indexOf('?'); // SRI options suffix
            if (q >= 0) {
                digest = digest.substring(0, q);
            }
            if (STRENGTH.contains(alg) && (best == null || STRENGTH.indexOf(alg) < STRENGTH.indexOf(best[0]))) {
                best = new String[] {alg, digest};
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("integrity '" + integrity + "' has no sha512/sha384/sha256 entry");
        }
        return best;
    }
}
