package org.sparktrain.data.table;

import org.sparktrain.data.BadInputException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The class-index map of a classification table: label text to class index. Labels are compared in canonical form
 * ({@code "1"}, {@code "1.0"} and {@code "+1"} are the same class; text labels are compared trimmed and as written).
 * Either given (the user's class names, in index order) or inferred from the distinct labels of the data: sorted
 * numerically when every label is a number ({@code -1, 1}; {@code 0, 1, 2}), else alphabetically.
 */
public final class ClassIndex {
    /** More distinct labels than this is taken for a mistake (a regression target read as classes). */
    public static final int MAX_CLASSES = 10_000;
    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();

    private ClassIndex(List<String> names) {
        this.names = List.copyOf(names);
        for (int i = 0; i < names.size(); i++) {
            String key = TableReader.canonicalLabel(names.get(i));
            if (index.putIfAbsent(key, i) != null) {
                throw new BadInputException("classNames: '" + names.get(i) + "' is listed twice (as '" + key + "')");
            }
        }
    }

    /** The given class names, class {@code i} being {@code names[i]}. */
    public static ClassIndex of(List<String> names) {
        if (names.isEmpty()) {
            throw new BadInputException("classNames: must not be empty");
        }
        return new ClassIndex(names);
    }

    /** Classes inferred from the distinct (canonical) labels of the data. */
    public static ClassIndex infer(Collection<String> labels) {
        List<String> sorted = new ArrayList<>(labels);
        if (sorted.stream().allMatch(TableReader::isNumber)) {
            sorted.sort(Comparator.comparingDouble(Double::parseDouble));
        } else {
            sorted.sort(Comparator.naturalOrder());
        }
        return new ClassIndex(sorted);
    }

    /** The class of {@code label}, or -1 if it is none of the classes. */
    public int indexOf(String label) {
        Integer i = index.get(TableReader.canonicalLabel(label));
        return i == null ? -1 : i;
    }

    /** Class names in index order. */
    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }
}
