package io.wsboot.test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of a {@link WebSocketEventRecorder}, imported by
 * {@link RecordWebSocketEvents @RecordWebSocketEvents} and
 * {@link AutoConfigureWebSocketTestClient @AutoConfigureWebSocketTestClient}.
 *
 * @since 0.1.0
 */
@AutoConfiguration
public final class WebSocketEventRecorderAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WebSocketEventRecorder webSocketEventRecorder() {
		return new WebSocketEventRecorder();
	}

}
