package org.sparktrain.retrieval.encoder;

import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparktrain.zoo.bert.BertConfig;
import org.sparktrain.zoo.bert.BertParameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the weights of a HuggingFace BERT exported to ONNX by PyTorch ({@code torch.onnx.export}, e.g.
 * all-MiniLM-L6-v2's {@code all-minilm-l6-v2.onnx}) into {@link BertParameters}. The ONNX protobuf is parsed with
 * the ONNX message classes that ship inside nd4j-api ({@code onnx.Onnx}, generated from onnx.proto, on ND4J's shaded
 * protobuf runtime); ONNX Runtime is not involved (it cannot export weights).
 *
 * <p>How the exporter stores each tensor, and how it is found:
 * <ul>
 *   <li>embedding tables, LayerNorm gains/biases and all dense biases keep their PyTorch names
 *       ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.bias}, ...): read by
 *       name;</li>
 *   <li>dense weights are NOT stored under their names: the exporter turns {@code nn.Linear} into a MatMul whose
 *       second input is an anonymous initializer ({@code onnx::MatMul_787}) holding Wᵀ, shape (in, out). They are
 *       found through the MatMul node named {@code /encoder/layer.<l>/<module path>/MatMul} (module path
 *       {@code attention/self/query}, {@code attention/self/key}, {@code attention/self/value},
 *       {@code attention/output/dense}, {@code intermediate/dense}, {@code output/dense}) and taken as they are
 *       (our layout is (in, out)); an export that kept the PyTorch name ({@code ...query.weight}, shape (out, in))
 *       is read by name and transposed.</li>
 * </ul>
 * Every tensor must be fp32 with exactly the shape the configuration expects; otherwise the error names the
 * initializer, its shape and the expected one. The pooler and {@code embeddings.position_ids} are not used.
 */
public final class OnnxBertWeights {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private OnnxBertWeights() {
    }

    /** Parses an ONNX model and copies its BERT weights into new fp32 parameters of {@code config}. */
    public static BertParameters read(InputStream onnx, String source, BertConfig config) throws IOException {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(onnx.readAllBytes());
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(source + ": not a readable ONNX model: " + e.getMessage(), e);
        }
        return read(model.getGraph(), source, config);
    }

    static BertParameters read(Onnx.GraphProto graph, String source, BertConfig config) throws IOException {
        Map<String, Onnx.TensorProto> initializers = new HashMap<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Map<String, String> matMulWeights = new HashMap<>();     // node name -> initializer name
        for (Onnx.NodeProto node : graph.getNodeList()) {
            if ("MatMul".equals(node.getOpType())) {
                for (String input : node.getInputList()) {
                    if (initializers.containsKey(input)) {
                        matMulWeights.put(node.getName(), input);
                    }
                }
            }
        }
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : initializers.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        if (layers.size() != config.layers()) {
            throw new IOException(source + ": has " + layers.size() + " encoder layers " + layers + ", the "
                    + "configuration expects " + config.layers());
        }
        BertParameters params = BertParameters.zeros(config, DataType.FLOAT);
        for (String name : params.names()) {
            INDArray target = params.tensor(name);
            Onnx.TensorProto t = initializers.get(name);
            boolean dense = name.endsWith(".weight") && !name.contains("LayerNorm") && !name.startsWith("embeddings.");
            if (dense && t == null) {
                String node = "/" + name.substring(0, name.length() - ".weight".length())
                        .replace("encoder.layer.", "encoder/layer.").replaceAll("\\.(?!\\d)", "/") + "/MatMul";
                String weight = matMulWeights.get(node);
                if (weight == null) {
                    throw new IOException(source + ": no initializer '" + name + "' and no MatMul node '" + node
                            + "' with a weight initializer");
                }
                target.assign(toArray(initializers.get(weight), weight + " (input of " + node + ")", source,
                        target.shape()));
            } else if (dense) {
                long[] s = target.shape();
                target.assign(toArray(t, name, source, new long[]{s[1], s[0]}).transpose());
            } else {
                if (t == null) {
                    throw new IOException(source + ": no initializer named '" + name + "'");
                }
                target.assign(toArray(t, name, source, target.shape()));
            }
        }
        return params;
    }

    /** An fp32 initializer as an array of the expected shape (raw little-endian bytes or the float_data field). */
    static INDArray toArray(Onnx.TensorProto t, String name, String source, long[] expected) throws IOException {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(dims, expected)) {
            throw new IOException(source + ": initializer '" + name + "' has shape " + Arrays.toString(dims)
                    + ", expected " + Arrays.toString(expected));
        }
        if (t.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
            throw new IOException(source + ": initializer '" + name + "' has ONNX data type " + t.getDataType()
                    + ", expected FLOAT (1)");
        }
        long n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] values = new float[Math.toIntExact(n)];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4L * n) {
                throw new IOException(source + ": initializer '" + name + "' has " + t.getRawData().size()
                        + " raw bytes, expected " + 4L * n);
            }
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            List<Float> data = t.getFloatDataList();
            if (data.size() != n) {
                throw new IOException(source + ": initializer '" + name + "' has " + data.size() + " values, expected "
                        + n);
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = data.get(i);
            }
        }
        return Nd4j.createFromArray(values).reshape('c', expected);
    }
}
