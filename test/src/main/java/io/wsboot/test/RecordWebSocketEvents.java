package io.wsboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Annotation on a test class that registers a {@link WebSocketEventRecorder} bean,
 * without the {@link WebSocketTestClient} of
 * {@link AutoConfigureWebSocketTestClient @AutoConfigureWebSocketTestClient}.
 *
 * @since 0.1.0
 * @see WebSocketEventRecorderAutoConfiguration
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface RecordWebSocketEvents {

}
