package org.sparktrain.zoo.bert;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * All weights of a BERT encoder ({@link BertConfig}) as views into one flat ND4J vector (1 x {@link #numParams()}),
 * so an optimizer or the training engine can read and write them as one vector while {@link SameDiffBertEncoder}
 * uses the same memory as its SameDiff variables.
 *
 * <p>Tensor names are HuggingFace's BERT names ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.3.attention.self.query.bias}, ...), in this fixed order: the embedding tables (word V x H,
 * position P x H, token type T x H), the embedding LayerNorm (gain H, bias H), then for every layer l the query, key
 * and value projections, the attention output projection and its LayerNorm, the intermediate (feed-forward in)
 * projection, the output (feed-forward out) projection and its LayerNorm.
 *
 * <p><b>Orientation</b>: every dense weight {@code *.dense.weight}, {@code *.query.weight}, ... is stored as
 * (in, out) and applied as {@code y = x W + b} on row vectors x. PyTorch's {@code nn.Linear} keeps the transpose
 * (out, in) and computes {@code x Wᵀ + b}; the ONNX exporter folds that transpose into its MatMul initializers, which
 * therefore already have our (in, out) layout.
 */
public final class BertParameters {
    /** Per-layer tensor suffixes, in flat-vector order (prefix {@code encoder.layer.<l>.}). */
    public static final List<String> LAYER_TENSORS = List.of(
            "attention.self.query.weight", "attention.self.query.bias",
            "attention.self.key.weight", "attention.self.key.bias",
            "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
            "output.LayerNorm.weight", "output.LayerNorm.bias");
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String EMBEDDING_NORM_GAIN = "embeddings.LayerNorm.weight";
    public static final String EMBEDDING_NORM_BIAS = "embeddings.LayerNorm.bias";

    private final BertConfig config;
    private final INDArray flat;
    private final Map<String, INDArray> views;
    private final Map<String, Long> offsets;

    private BertParameters(BertConfig config, DataType dataType) {
        this.config = config;
        Map<String, long[]> shapes = shapes(config);
        long n = shapes.values().stream().mapToLong(BertParameters::length).sum();
        this.flat = Nd4j.zeros(dataType, 1, n);
        Map<String, INDArray> v = new LinkedHashMap<>();
        Map<String, Long> o = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long len = length(e.getValue());
            INDArray view = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + len))
                    .reshape('c', e.getValue());
            v.put(e.getKey(), view);
            o.put(e.getKey(), offset);
            offset += len;
        }
        this.views = Collections.unmodifiableMap(v);
        this.offsets = Collections.unmodifiableMap(o);
    }

    /** All parameters zero (to be filled, e.g. from pretrained weights). */
    public static BertParameters zeros(BertConfig config, DataType dataType) {
        return new BertParameters(config, dataType);
    }

    /**
     * BERT's initialisation (Devlin et al. 2019; HuggingFace {@code BertPreTrainedModel._init_weights}): weights and
     * embedding tables N(0, 0.02²), biases 0, LayerNorm gains 1 and biases 0; seeded.
     */
    public static BertParameters initialized(BertConfig config, DataType dataType, long seed) {
        BertParameters p = new BertParameters(config, dataType);
        Random rng = new Random(seed);
        for (String name : p.names()) {
            INDArray t = p.tensor(name);
            if (name.endsWith("LayerNorm.weight")) {
                t.assign(1.0);
            } else if (name.endsWith(".weight")) {
                double[] values = new double[(int) t.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = 0.02 * rng.nextGaussian();
                }
                t.assign(Nd4j.createFromArray(values).castTo(dataType).reshape(t.shape()));
            }
        }
        return p;
    }

    /** The name of tensor {@code suffix} (one of {@link #LAYER_TENSORS}) of layer {@code layer}. */
    public static String layerTensor(int layer, String suffix) {
        return "encoder.layer." + layer + "." + suffix;
    }

    /** Names and shapes of every tensor of a configuration, in flat-vector order. */
    public static Map<String, long[]> shapes(BertConfig c) {
        long h = c.hidden();
        long i = c.intermediate();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(WORD_EMBEDDINGS, new long[]{c.vocabSize(), h});
        s.put(POSITION_EMBEDDINGS, new long[]{c.maxPositions(), h});
        s.put(TOKEN_TYPE_EMBEDDINGS, new long[]{c.typeVocabSize(), h});
        s.put(EMBEDDING_NORM_GAIN, new long[]{h});
        s.put(EMBEDDING_NORM_BIAS, new long[]{h});
        for (int l = 0; l < c.layers(); l++) {
            for (String suffix : LAYER_TENSORS) {
                long[] shape;
                if (suffix.startsWith("intermediate")) {
                    shape = suffix.endsWith("weight") ? new long[]{h, i} : new long[]{i};
                } else if (suffix.startsWith("output.dense")) {
                    shape = suffix.endsWith("weight") ? new long[]{i, h} : new long[]{h};
                } else if (suffix.endsWith("LayerNorm.weight") || suffix.endsWith("bias")) {
                    shape = new long[]{h};
                } else {
                    shape = new long[]{h, h};
                }
                s.put(layerTensor(l, suffix), shape);
            }
        }
        return s;
    }

    public BertConfig config() {
        return config;
    }

    /** The flat vector (1 x numParams) that every tensor is a view of; writes to it change the model. */
    public INDArray flat() {
        return flat;
    }

    public long numParams() {
        return flat.length();
    }

    public DataType dataType() {
        return flat.dataType();
    }

    /** Tensor names in flat-vector order. */
    public List<String> names() {
        return new ArrayList<>(views.keySet());
    }

    /** The live view of one tensor. */
    public INDArray tensor(String name) {
        INDArray t = views.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no BERT parameter tensor named '" + name + "'");
        }
        return t;
    }

    /** First entry of a tensor in the flat vector. */
    public long offset(String name) {
        tensor(name);
        return offsets.get(name);
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
