package io.wsboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Annotation on a test class that enables and configures a {@link WebSocketTestClient}
 * bean for the server the test started, and a {@link WebSocketEventRecorder} bean.
 * <pre class="code">
 * &#064;SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
 * &#064;AutoConfigureWebSocketTestClient
 * class ChatTests {
 *
 * 	&#064;Autowired
 * 	WebSocketTestClient client;
 *
 * }
 * </pre>
 * <p>
 * The client's base URI is resolved each time it is used from the
 * {@code local.server.port} property, so it knows the random port of a
 * {@code @SpringBootTest} with {@code RANDOM_PORT} or {@code DEFINED_PORT}. Its path is
 * {@code wsboot.path} when that is a plain path without variables, {@code /} otherwise.
 *
 * @since 0.1.0
 * @see WebSocketTestClientAutoConfiguration
 * @see RecordWebSocketEvents
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureWebSocketTestClient {

}
