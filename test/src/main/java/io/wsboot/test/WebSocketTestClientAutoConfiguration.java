package io.wsboot.test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a {@link WebSocketTestClient} for the server of a
 * {@code @SpringBootTest}, imported by
 * {@link AutoConfigureWebSocketTestClient @AutoConfigureWebSocketTestClient}.
 *
 * @since 0.1.0
 */
@AutoConfiguration
public final class WebSocketTestClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WebSocketTestClient webSocketTestClient(Environment environment) {
		return WebSocketTestClient.create(new LocalServerUri(environment));
	}

}
