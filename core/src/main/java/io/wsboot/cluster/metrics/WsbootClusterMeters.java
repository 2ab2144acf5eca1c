package io.wsboot.cluster.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The meters of the wsboot cluster, registered at startup when
 * {@code wsboot.cluster.enabled=true} and a {@code MeterRegistry} exists.
 *
 * @since 0.1.0
 */
public enum WsbootClusterMeters implements MeterDocumentation {

	/**
	 * Cross-node operations that failed (Redis unavailable, no answer in time), upkeep
	 * that failed, and bus messages dropped as invalid, by operation.
	 */
	ERRORS("wsboot.cluster.errors", Meter.Type.COUNTER, ErrorKeys.values()),

	/**
	 * Nodes alive at the last heartbeat, this one included.
	 */
	NODES("wsboot.cluster.nodes", Meter.Type.GAUGE);

	private final String name;

	private final Meter.Type type;

	private final KeyName[] keyNames;

	WsbootClusterMeters(String name, Meter.Type type, KeyName... keyNames) {
		this.name = name;
		this.type = type;
		this.keyNames = keyNames;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Meter.Type getType() {
		return this.type;
	}

	@Override
	public KeyName[] getKeyNames() {
		return this.keyNames.clone();
	}

	/**
	 * Tags of {@link #ERRORS}.
	 */
	public enum ErrorKeys implements KeyName {

		/**
		 * {@code push}, {@code disconnect}, {@code exists}, {@code broadcast},
		 * {@code heartbeat}, {@code registry}, {@code subscription} or {@code malformed}.
		 */
		OPERATION("operation");

		private final String key;

		ErrorKeys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
