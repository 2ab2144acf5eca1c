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
	ERRORS {
		@Override
		public String getName() {
			return "wsboot.cluster.errors";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return ErrorKeys.values();
		}
	},

	/**
	 * Nodes alive at the last heartbeat, this one included.
	 */
	NODES {
		@Override
		public String getName() {
			return "wsboot.cluster.nodes";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.GAUGE;
		}
	};

	/**
	 * Tags of {@link #ERRORS}.
	 */
	public enum ErrorKeys implements KeyName {

		/**
		 * {@code push}, {@code disconnect}, {@code exists}, {@code broadcast},
		 * {@code heartbeat}, {@code registry}, {@code subscription} or {@code malformed}.
		 */
		OPERATION {
			@Override
			public String asString() {
				return "operation";
			}
		}

	}

}
