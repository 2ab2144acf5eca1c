package io.wsboot.cluster.metrics;

import java.util.Arrays;
import java.util.List;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link WsbootClusterMeters}.
 */
class WsbootClusterMetersTests {

	@Test
	void documentsEveryMeterWithItsNameTypeBaseUnitAndTags() {
		assertThat(WsbootClusterMeters.values())
			.extracting(WsbootClusterMeters::getName, WsbootClusterMeters::getType, WsbootClusterMeters::getBaseUnit,
					(meter) -> Arrays.stream(meter.getKeyNames()).map(KeyName::asString).toList())
			.containsExactly(tuple("wsboot.cluster.errors", Meter.Type.COUNTER, null, List.of("operation")),
					tuple("wsboot.cluster.nodes", Meter.Type.GAUGE, null, List.of()));
	}

}
