package org.sparktrain.data.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PROBEN1/Delve data sets of Debian's {@code libfann-doc} (FANN text format): the installed
 * {@code /usr/share/doc/libfann-dev/examples/datasets/}, else the package unpacked into {@code target/libfann-doc}
 * ({@code apt-get download libfann-doc && dpkg -x}, done once here when neither exists). Tests using them are
 * skipped, with the reason, only when the package can be neither found nor downloaded.
 */
final class FannDatasets {
    static final String INSTALLED = "/usr/share/doc/libfann-dev/examples/datasets";
    private static final Path UNPACKED = Path.of("target", "libfann-doc");

    private FannDatasets() {
    }

    /** The folder holding {@code <name>.train} / {@code <name>.test}; skips the test when unavailable. */
    static Path locate(String name) {
        Path installed = Path.of(INSTALLED);
        if (Files.isRegularFile(installed.resolve(name + ".train"))) {
            return installed;
        }
        Path unpacked = UNPACKED.resolve("root/usr/share/doc/libfann-dev/examples/datasets");
        if (!Files.isRegularFile(unpacked.resolve(name + ".train"))) {
            String why = download();
            assumeTrue(why == null, "FANN data set " + name + " not available: not installed at " + INSTALLED
                    + " and 'apt-get download libfann-doc' into " + UNPACKED + " failed (" + why + ")");
        }
        assumeTrue(Files.isRegularFile(unpacked.resolve(name + ".train")), "libfann-doc in " + UNPACKED
                + " has no " + name + ".train");
        return unpacked;
    }

    /** Downloads and unpacks libfann-doc into target/; returns null on success, else the reason. */
    private static synchronized String download() {
        try {
            Files.createDirectories(UNPACKED);
            if (run(List.of("apt-get", "download", "libfann-doc")) != 0) {
                return "apt-get download exited non-zero";
            }
            try (var debs = Files.list(UNPACKED)) {
                Path deb = debs.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst().orElse(null);
                if (deb == null) {
                    return "no .deb was downloaded";
                }
                if (run(List.of("dpkg", "-x", deb.getFileName().toString(), "root")) != 0) {
                    return "dpkg -x exited non-zero";
                }
            }
            return null;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(UNPACKED.toFile()).redirectErrorStream(true)
                .redirectOutput(UNPACKED.resolve("download.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
