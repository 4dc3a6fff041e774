package dev.cvd.kafka;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test field of type {@link EmbeddedKafkaBroker} that {@link EmbeddedKafkaResource} sets to
 * its broker, so that a test can stop and restart it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectEmbeddedKafka {}
