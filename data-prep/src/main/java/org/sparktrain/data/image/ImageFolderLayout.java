package org.sparktrain.data.image;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DataUnavailableException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The layout of an ImageNet-style image folder on any Hadoop file system, either
 * <pre>
 * &lt;root&gt;/&lt;class&gt;/&lt;image&gt;                     (everything is the train split)
 * &lt;root&gt;/train/&lt;class&gt;/&lt;image&gt;  and  &lt;root&gt;/val/&lt;class&gt;/&lt;image&gt;   (the second folder may be val, validation or test)
 * </pre>
 * Classes are the train split's class folders sorted by name; class {@code i} is the {@code i}-th name (the
 * class-index map). Images are {@code .jpg}, {@code .jpeg} or {@code .png} (any case), prepared class by class and
 * by file name. Names starting with {@code .} or {@code _} are ignored everywhere.
 *
 * <p>Anything else is bad input, handled by the {@link BadRecords} policy: a file directly in the root or in a split
 * folder, a folder next to {@code train} that is not a test split folder, a folder inside a class folder
 * ({@link BadRecords#UNKNOWN_LAYOUT}), a file of another type ({@link BadRecords#UNSUPPORTED_FILE}), a test class
 * folder that the train split lacks ({@link BadRecords#UNKNOWN_CLASS}, one per file in it). A missing root, no
 * class folder at all, or a test split folder ({@code val/}, ...) without {@code train/} always fails. Layout
 * problems above the class folders are found by {@link #scan}, before any image is decoded; the content of class
 * folders is listed lazily, one class at a time.
 */
public final class ImageFolderLayout {
    /** Names of the test split folder, in order of preference. */
    public static final List<String> TEST_FOLDERS = List.of("val", "validation", "test");
    /** The train split folder. */
    public static final String TRAIN_FOLDER = "train";
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

    private final FileSystem fs;
    private final Path root;
    private final Path trainDir;
    private final Path testDir;
    private final List<String> classNames;
    private final Map<String, Path> testClasses;

    private ImageFolderLayout(FileSystem fs, Path root, Path trainDir, Path testDir, List<String> classNames,
                              Map<String, Path> testClasses) {
        this.fs = fs;
        this.root = root;
        this.trainDir = trainDir;
        this.testDir = testDir;
        this.classNames = List.copyOf(classNames);
        this.testClasses = testClasses;
    }

    /** Lists the root, the split folders and the class folders, reporting layout problems to {@code bad}. */
    public static ImageFolderLayout scan(Path root, Configuration conf, BadRecords bad) {
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.isDirectory(root)) {
                throw new DataUnavailableException("image folder " + root + " does not exist or is not a directory");
            }
            List<FileStatus> top = list(fs, root);
            boolean split = top.stream().anyMatch(s -> s.isDirectory() && s.getPath().getName().equals(TRAIN_FOLDER));
            Path trainDir = root;
            Path testDir = null;
            if (!split) {
                for (FileStatus s : top) {
                    if (s.isDirectory() && TEST_FOLDERS.contains(s.getPath().getName())) {
                        throw new BadInputException("image folder " + root + " has a test split folder "
                                + s.getPath().getName() + "/ but no train/ folder (expected <root>/<class>/<image> or "
                                + "<root>/train/<class>/<image> with an optional <root>/val/<class>/<image>)");
                    }
                }
            }
            if (split) {
                trainDir = new Path(root, TRAIN_FOLDER);
                for (String t : TEST_FOLDERS) {
                    if (testDir == null && top.stream().anyMatch(s -> s.isDirectory() && s.getPath().getName().equals(t))) {
                        testDir = new Path(root, t);
                    }
                }
                for (FileStatus s : top) {
                    String n = s.getPath().getName();
                    boolean known = s.isDirectory() && (n.equals(TRAIN_FOLDER) || TEST_FOLDERS.contains(n));
                    if (!known) {
                        bad.reject(BadRecords.UNKNOWN_LAYOUT, s.getPath().toString(), (s.isDirectory() ? "folder" : "file")
                                + " next to the split folder train/ (expected only train/ and one of " + TEST_FOLDERS
                                + "/)");
                    } else if (!n.equals(TRAIN_FOLDER) && !n.equals(testDir.getName())) { // listed paths are qualified
                        bad.reject(BadRecords.UNKNOWN_LAYOUT, s.getPath().toString(), "second test split folder (using "
                                + testDir.getName() + "/)");
                    }
                }
            }
            List<String> classes = new ArrayList<>();
            for (FileStatus s : split ? list(fs, trainDir) : top) {
                if (s.isDirectory()) {
                    classes.add(s.getPath().getName());
                } else {
                    bad.reject(BadRecords.UNKNOWN_LAYOUT, s.getPath().toString(), "file outside a class folder (expected "
                            + trainDir + "/<class>/<image>)");
                }
            }
            if (classes.isEmpty()) {
                throw new BadInputException("image folder " + trainDir + " has no class folders (expected "
                        + "<root>/<class>/<image> or <root>/train/<class>/<image>)");
            }
            Map<String, Path> testClasses = new LinkedHashMap<>();
            if (testDir != null) {
                for (FileStatus s : list(fs, testDir)) {
                    String n = s.getPath().getName();
                    if (!s.isDirectory()) {
                        bad.reject(BadRecords.UNKNOWN_LAYOUT, s.getPath().toString(), "file outside a class folder");
                    } else if (!classes.contains(n)) {
                        List<FileStatus> files = list(fs, s.getPath());
                        for (FileStatus f : files.isEmpty() ? List.of(s) : files) {
                            bad.reject(BadRecords.UNKNOWN_CLASS, f.getPath().toString(), "class folder '" + n
                                    + "' of the test split is not among the " + classes.size() + " train classes");
                        }
                    } else {
                        testClasses.put(n, s.getPath());
                    }
                }
            }
            return new ImageFolderLayout(fs, root, trainDir, testDir, classes, testClasses);
        } catch (IOException e) {
            throw new BadInputException("cannot list image folder " + root + ": " + e.getMessage(), e);
        }
    }

    /** Class names in class-index order (sorted folder names). */
    public List<String> classNames() {
        return classNames;
    }

    public Path root() {
        return root;
    }

    /** The train split's folder (the root itself without split folders). */
    public Path trainDir() {
        return trainDir;
    }

    /** The test split's folder, or null. */
    public Path testDir() {
        return testDir;
    }

    /**
     * The images of the train ({@code test} false) or test split, class by class, each class folder listed when it
     * is reached; its nested folders and unsupported files go to {@code bad}.
     */
    public Iterator<ImageFile> images(boolean test, BadRecords bad) {
        List<Path> classDirs = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < classNames.size(); i++) {
            Path dir = test ? testClasses.get(classNames.get(i)) : new Path(trainDir, classNames.get(i));
            if (dir != null) {
                classDirs.add(dir);
                labels.add(i);
            }
        }
        return new Iterator<>() {
            private int cls = -1;
            private Iterator<FileStatus> files = List.<FileStatus>of().iterator();
            private ImageFile next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (files.hasNext()) {
                        next = accept(files.next(), labels.get(cls), bad);
                    } else if (++cls < classDirs.size()) {
                        files = listOrFail(classDirs.get(cls)).iterator();
                    } else {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public ImageFile next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ImageFile f = next;
                next = null;
                return f;
            }
        };
    }

    private ImageFile accept(FileStatus s, int label, BadRecords bad) {
        Path p = s.getPath();
        if (s.isDirectory()) {
            bad.reject(BadRecords.UNKNOWN_LAYOUT, p.toString(), "folder inside a class folder (expected "
                    + "<class>/<image>, not deeper)");
            return null;
        }
        String lower = p.getName().toLowerCase(Locale.ROOT);
        if (EXTENSIONS.stream().noneMatch(lower::endsWith)) {
            bad.reject(BadRecords.UNSUPPORTED_FILE, p.toString(), "not an image file of a supported type " + EXTENSIONS);
            return null;
        }
        String rel = p.toUri().getPath().substring(fs.makeQualified(root).toUri().getPath().length());
        return new ImageFile(p, rel.startsWith("/") ? rel.substring(1) : rel, label);
    }

    private List<FileStatus> listOrFail(Path dir) {
        try {
            return list(fs, dir);
        } catch (IOException e) {
            throw new BadInputException("cannot list class folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The visible entries of {@code dir}, sorted by name. */
    private static List<FileStatus> list(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir))
                .filter(s -> !s.getPath().getName().startsWith(".") && !s.getPath().getName().startsWith("_"))
                .sorted(Comparator.comparing(s -> s.getPath().getName()))
                .toList();
    }
}
