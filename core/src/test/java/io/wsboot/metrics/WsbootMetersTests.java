package io.wsboot.metrics;

import java.util.Arrays;
import java.util.List;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link WsbootMeters}.
 */
class WsbootMetersTests {

	@Test
	void documentsEveryMeterWithItsNameTypeBaseUnitAndTags() {
		assertThat(WsbootMeters.values())
			.extracting(WsbootMeters::getName, WsbootMeters::getType, WsbootMeters::getBaseUnit,
					(meter) -> keys(meter.getKeyNames()))
			.containsExactly(tuple("wsboot.connections.active", Meter.Type.GAUGE, "connections", List.of()),
					tuple("wsboot.handshakes", Meter.Type.COUNTER, null, List.of("outcome", "status")),
					tuple("wsboot.messages.received", Meter.Type.COUNTER, null, List.of("type")),
					tuple("wsboot.messages.sent", Meter.Type.COUNTER, null, List.of("type")),
					tuple("wsboot.bytes.received", Meter.Type.COUNTER, "bytes", List.of()),
					tuple("wsboot.bytes.sent", Meter.Type.COUNTER, "bytes", List.of()),
					tuple("wsboot.push.dropped", Meter.Type.COUNTER, null, List.of()),
					tuple("wsboot.connections.closed", Meter.Type.COUNTER, null, List.of("code")),
					tuple("wsboot.timers.active", Meter.Type.GAUGE, null, List.of()),
					tuple("wsboot.cluster.errors", Meter.Type.COUNTER, null, List.of("operation")),
					tuple("wsboot.cluster.nodes", Meter.Type.GAUGE, null, List.of()));
	}

	@Test
	void returnsKeyNamesThatCallersCannotChange() {
		KeyName[] keyNames = WsbootMeters.HANDSHAKES.getKeyNames();
		keyNames[0] = WsbootMeters.HandshakeKeys.STATUS;
		assertThat(keys(WsbootMeters.HANDSHAKES.getKeyNames())).containsExactly("outcome", "status");
	}

	static List<String> keys(KeyName[] keyNames) {
		return Arrays.stream(keyNames).map(KeyName::asString).toList();
	}

}
