package org.sparktrain.jobs.prepare;

import org.apache.hadoop.fs.Path;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.Preparation;
import org.sparktrain.data.image.CifarFormat;
import org.sparktrain.data.image.CifarPreparation;
import org.sparktrain.data.image.ImageFolderPreparation;
import org.sparktrain.data.table.TableOptions;
import org.sparktrain.data.table.TablePreparation;
import org.sparktrain.data.table.TableTask;
import org.sparktrain.data.text.BeirPreparation;
import org.sparktrain.data.text.CranfieldPreparation;
import org.sparktrain.data.text.MsMarcoPreparation;
import org.sparktrain.data.text.TextLinesPreparation;
import org.sparktrain.data.text.TriplesReader;

/**
 * The data-prep {@link Preparation} for a {@code prepare} config of one of the reader sources (everything but the
 * IDX sources {@code mnist}, {@code fashion-mnist}, {@code idx}). Option errors that the config record cannot see
 * alone become a {@link BadInputException} naming the key.
 */
final class Preparations {
    private Preparations() {
    }

    static Preparation of(PrepareConfig cfg) {
        BadRecords bad = new BadRecords(cfg.maxSkipped());
        try {
            return switch (cfg.source()) {
                case "cifar10" -> new CifarPreparation(CifarFormat.CIFAR10, cfg.dir(), false, cfg.name(), bad);
                case "cifar100" -> new CifarPreparation(CifarFormat.CIFAR100, cfg.dir(), cfg.coarseLabels(), cfg.name(),
                        bad);
                case "image-folder" -> new ImageFolderPreparation(cfg.dir(), cfg.name(), cfg.image().size(),
                        cfg.image().resizeTo(), cfg.image().grayscale(), cfg.image().threads(), bad);
                case "msmarco" -> {
                    TextOptions t = cfg.text();
                    yield new MsMarcoPreparation(cfg.dir(), t.collection(), t.queries(), t.qrels(), t.triples(),
                            TriplesReader.Format.parse(t.triplesFormat()), cfg.name(),
                            t.judgedQueriesOnly() != null && t.judgedQueriesOnly(), bad);
                }
                case "beir" -> new BeirPreparation(cfg.dir(), cfg.text().split(), cfg.name(),
                        cfg.text().judgedQueriesOnly() == null || cfg.text().judgedQueriesOnly(), bad);
                case "cranfield" -> new CranfieldPreparation(cfg.dir(), cfg.name(), bad);
                case "text-lines" -> new TextLinesPreparation(cfg.input(), "lines", null, null, null, cfg.name(), bad);
                case "jsonl" -> new TextLinesPreparation(cfg.input(), "jsonl", cfg.text().idField(),
                        cfg.text().textField(), cfg.text().titleField(), cfg.name(), bad);
                case "csv", "libsvm", "fann" -> new TablePreparation(tableOptions(cfg), bad);
                default -> throw new IllegalStateException("not a reader source: " + cfg.source());
            };
        } catch (IllegalArgumentException e) {
            throw new BadInputException("config: " + e.getMessage(), e);
        }
    }

    private static TableOptions tableOptions(PrepareConfig cfg) {
        TableConfig t = cfg.table();
        TableTask task = t.task() == null ? null : TableTask.parse(t.task());
        return switch (cfg.source()) {
            case "csv" -> TableOptions.csv(t.train(), t.test(), cfg.name(), task, t.labelColumn(), t.featureColumns(),
                    t.delimiter().charAt(0), cfg.classNames());
            case "libsvm" -> TableOptions.libsvm(t.train(), t.test(), cfg.name(), task, t.numFeatures(),
                    cfg.classNames());
            default -> TableOptions.fann(t.train(), t.test(), cfg.name(), task, cfg.classNames());
        };
    }

    /** A short description of the input for messages: the folder or the file. */
    static String inputName(PrepareConfig cfg) {
        if (cfg.table() != null) {
            return cfg.table().train();
        }
        return cfg.input() != null ? cfg.input() : new Path(cfg.dir()).toString();
    }
}
