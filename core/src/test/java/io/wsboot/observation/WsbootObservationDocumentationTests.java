package io.wsboot.observation;

import java.util.Arrays;
import java.util.List;

import io.micrometer.common.docs.KeyName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link WsbootObservationDocumentation}.
 */
class WsbootObservationDocumentationTests {

	@Test
	void documentsEveryObservationWithItsConventionAndKeys() {
		assertThat(WsbootObservationDocumentation.values())
			.extracting(WsbootObservationDocumentation::getDefaultConvention,
					(observation) -> keys(observation.getLowCardinalityKeyNames()),
					(observation) -> keys(observation.getHighCardinalityKeyNames()))
			.containsExactly(
					tuple(DefaultHandshakeObservationConvention.class, List.of("outcome", "status", "path"), List.of()),
					tuple(DefaultMessageObservationConvention.class, List.of("type"), List.of()));
	}

	@Test
	void namesObservationsInTheirDefaultConventions() {
		assertThat(new DefaultHandshakeObservationConvention().getName()).isEqualTo("wsboot.handshake");
		assertThat(new DefaultMessageObservationConvention().getName()).isEqualTo("wsboot.message");
	}

	private static List<String> keys(KeyName[] keyNames) {
		return Arrays.stream(keyNames).map(KeyName::asString).toList();
	}

}
