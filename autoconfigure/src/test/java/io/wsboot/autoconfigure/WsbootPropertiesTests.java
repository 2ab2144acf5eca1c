package io.wsboot.autoconfigure;

import org.junit.jupiter.api.Test;
import reactor.netty.http.server.WebsocketServerSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootProperties}.
 */
class WsbootPropertiesTests {

	private final WsbootProperties properties = new WsbootProperties();

	private final WebsocketServerSpec spec = WebsocketServerSpec.builder().build();

	@Test
	void maxFrameSizeMatchesReactorNettyDefault() {
		assertThat(this.properties.getMaxFrameSize().toBytes()).isEqualTo(this.spec.maxFramePayloadLength());
	}

	@Test
	void compressionMatchesReactorNettyDefault() {
		assertThat(this.properties.getCompression().isEnabled()).isEqualTo(this.spec.compress());
	}

	@Test
	void pingFramesAreNotDeliveredByDefaultAsInReactorNetty() {
		assertThat(this.properties.isDeliverPingFrames()).isEqualTo(this.spec.handlePing());
		assertThat(this.properties.isDeliverPongFrames()).isFalse();
		assertThat(this.properties.isDeliverCloseFrames()).isFalse();
	}

	@Test
	void acceptsOnlyTheApplicationsOwnOriginByDefault() {
		assertThat(this.properties.getAllowedOrigins()).isEmpty();
	}

	@Test
	void isEnabledByDefault() {
		assertThat(this.properties.isEnabled()).isTrue();
	}

}
