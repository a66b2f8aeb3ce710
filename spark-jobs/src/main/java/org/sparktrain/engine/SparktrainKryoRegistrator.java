package org.sparktrain.engine;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Spark Kryo registrator ({@code spark.kryo.registrator}) for sparktrain: ND4J arrays through ND4J's own
 * serializer from {@code nd4j-kryo} (off-heap buffers cannot be field-serialised), and sparktrain's classes that
 * Spark moves between JVMs (shards, round outputs).
 */
public final class SparktrainKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(INDArray.class, new Nd4jSerializer());
        kryo.register(Shard.class);
        kryo.register(RoundOutput.class);
        kryo.register(long[].class);
        kryo.register(int[].class);
        kryo.register(float[].class);
        kryo.register(float[][].class);
        kryo.register(String[].class);
    }
}
